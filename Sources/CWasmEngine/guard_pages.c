// The fault handler behind guarded memories (guard_pages.h).
//
// A guarded handler (engine.c, `G_` prefix, all in the `wdb_guarded` section) reads or writes
// guest memory with one machine instruction whose operands pin the interpreter's pc, fp and code
// base in r12, r13 and rdi (local register variables used as asm operands are guaranteed to be
// in those registers at that instruction). A SIGSEGV whose instruction pointer lies in that
// section and whose address lies in the current run's reservation past the memory's size is
// therefore a guest access out of bounds, with the exact interpreter state in those registers:
// the handler stores it in the core, as the checked handlers' TRAP does, and jumps back to the
// run's entry. Any other fault is not the guest's and goes to the handler that was installed
// before (by default, the process dies as it would have).
#define _GNU_SOURCE
#include "guard_pages.h"

#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <string.h>
#include <ucontext.h>

uint64_t wdb_guarded_reservation(void) { return WDB_GUARDED_RESERVATION; }

#if WDB_GUARD_PAGES

/// The guarded handlers' code (the linker defines the bounds of a section named like a C
/// identifier).
extern const char __start_wdb_guarded[];
extern const char __stop_wdb_guarded[];

static _Thread_local wdb_guard_scope *currentScope;
static _Thread_local uint64_t guestFaults;

uint64_t wdb_guard_fault_count(void) { return guestFaults; }
static struct sigaction previousAction;
static bool installed;
static pthread_once_t installOnce = PTHREAD_ONCE_INIT;

/// Whether the fault at `address` with registers `gregs` is a guarded guest access of `core`.
static bool isGuestFault(const wdb_core *core, uintptr_t address, const greg_t *gregs) {
    uintptr_t ip = (uintptr_t)gregs[REG_RIP];
    if (ip < (uintptr_t)__start_wdb_guarded || ip >= (uintptr_t)__stop_wdb_guarded) return false;
    uintptr_t base = (uintptr_t)core->memBase;
    return base != 0 && address >= base + core->memSize && address - base < core->memReserved;
}

static void onFault(int signal, siginfo_t *info, void *context) {
    wdb_guard_scope *scope = currentScope;
    const greg_t *gregs = ((ucontext_t *)context)->uc_mcontext.gregs;
    if (scope != NULL && isGuestFault(scope->core, (uintptr_t)info->si_addr, gregs)) {
        wdb_core *core = scope->core;
        core->pc = (uint64_t *)gregs[REG_R12];
        core->fp = (uint64_t *)gregs[REG_R13];
        core->code = (uint64_t *)gregs[REG_RDI];
        core->trap = WDB_TRAP_OUT_OF_BOUNDS_MEMORY;
        guestFaults += 1;
        siglongjmp(scope->jump, 1);
    }
    // Not the guest's: whoever handled SIGSEGV before us does.
    if (previousAction.sa_flags & SA_SIGINFO) {
        previousAction.sa_sigaction(signal, info, context);
    } else if (previousAction.sa_handler == SIG_DFL || previousAction.sa_handler == SIG_IGN) {
        // Returning re-runs the faulting instruction under the default action.
        struct sigaction fallback;
        memset(&fallback, 0, sizeof fallback);
        fallback.sa_handler = SIG_DFL;
        sigaction(SIGSEGV, &fallback, NULL);
    } else {
        previousAction.sa_handler(signal);
    }
}

static void install(void) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = onFault;
    sigemptyset(&action.sa_mask);
    // SA_NODEFER: the jump out of the handler skips the kernel's restoring of the signal mask
    // (sigsetjmp does not save it, which would cost a system call per run), so SIGSEGV must not
    // be blocked while the handler runs. SA_ONSTACK: use an alternate stack if the thread has one.
    action.sa_flags = SA_SIGINFO | SA_NODEFER | SA_ONSTACK;
    installed = sigaction(SIGSEGV, &action, &previousAction) == 0;
}

bool wdb_guard_begin(wdb_guard_scope *scope, wdb_core *core) {
    pthread_once(&installOnce, install);
    if (!installed) return false;
    scope->core = core;
    scope->previous = currentScope;
    currentScope = scope;
    return true;
}

void wdb_guard_end(wdb_guard_scope *scope) { currentScope = scope->previous; }

#else

uint64_t wdb_guard_fault_count(void) { return 0; }
bool wdb_guard_begin(wdb_guard_scope *scope, wdb_core *core) { (void)scope; (void)core; return false; }
void wdb_guard_end(wdb_guard_scope *scope) { (void)scope; }

#endif
