// Guard pages instead of bounds checks (guard_pages.c). A 32-bit memory 0 whose reservation
// covers every address a register-form access can form (WDB_GUARDED_RESERVATION: a u32 address
// plus a u32 offset, plus the access) runs with the `G_` load and store handlers, which check
// nothing: a guest access past the memory's size lands on reserved, inaccessible pages and
// faults, and the fault handler turns it into the same trap the checked handlers report, at
// the same instruction. Only on Linux x86-64, where the handler can read the interpreter's
// registers from the signal context; elsewhere every memory runs the checked handlers.
#ifndef WDB_GUARD_PAGES_H
#define WDB_GUARD_PAGES_H

#include "wdb_engine.h"
#include <setjmp.h>
#include <stddef.h>

#if defined(__linux__) && defined(__x86_64__)
#define WDB_GUARD_PAGES 1
#else
#define WDB_GUARD_PAGES 0
#endif

/// One guarded run of the core: where a guest fault jumps back to, and the run it belongs to.
/// Scopes nest per thread (the innermost is the current one).
typedef struct wdb_guard_scope {
    sigjmp_buf jump;
    wdb_core *core;
    struct wdb_guard_scope *previous;
} wdb_guard_scope;

/// Whether `core`'s memory can run guarded (its reservation covers every register-form access).
static inline bool wdb_guarded_memory(const wdb_core *core) {
    return WDB_GUARD_PAGES && core->memBase != NULL && core->memReserved >= WDB_GUARDED_RESERVATION;
}

/// Installs the fault handler (once per process) and makes `scope` the thread's current one.
/// False when the handler cannot be installed: the run must use the checked handlers.
bool wdb_guard_begin(wdb_guard_scope *scope, wdb_core *core);
/// Restores the thread's previous scope.
void wdb_guard_end(wdb_guard_scope *scope);

#endif
