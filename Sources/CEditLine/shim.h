// libedit's native API. Its variadic calls (el_set, el_get, history) cannot be called from
// Swift, so each operation LineEditor needs gets a fixed-argument wrapper here. They are
// `static inline` and hold no state, so every importing module may have its own copy.
#ifndef WDB_CEDITLINE_SHIM_H
#define WDB_CEDITLINE_SHIM_H

#include <histedit.h>
#include <locale.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#ifndef __APPLE__
#include <sys/syscall.h>
#endif
#include <unistd.h>

// MARK: editor settings

static inline int ce_set_prompt(EditLine *el, char *(*fn)(EditLine *)) {
    return el_set(el, EL_PROMPT, fn);
}

static inline int ce_set_editor(EditLine *el, const char *mode) {
    return el_set(el, EL_EDITOR, mode);
}

static inline int ce_set_signal(EditLine *el, int on) {
    return el_set(el, EL_SIGNAL, on);
}

static inline int ce_set_hist(EditLine *el, History *h) {
    return el_set(el, EL_HIST, history, h);
}

static inline int ce_set_clientdata(EditLine *el, void *data) {
    return el_set(el, EL_CLIENTDATA, data);
}

static inline void *ce_get_clientdata(EditLine *el) {
    void *data = NULL;
    if (el_get(el, EL_CLIENTDATA, &data) != 0) return NULL;
    return data;
}

static inline int ce_addfn(EditLine *el, const char *name, const char *help,
                           unsigned char (*fn)(EditLine *, int)) {
    return el_set(el, EL_ADDFN, name, help, fn);
}

/// `el_set(EL_BIND, key, function, NULL)`: the list must end in NULL.
static inline int ce_bind(EditLine *el, const char *key, const char *fname) {
    return el_set(el, EL_BIND, key, fname, (const char *)NULL);
}

// MARK: history

static inline int ce_hist_setsize(History *h, int size) {
    HistEvent ev;
    return history(h, &ev, H_SETSIZE, size);
}

static inline int ce_hist_setunique(History *h, int unique) {
    HistEvent ev;
    return history(h, &ev, H_SETUNIQUE, unique);
}

static inline int ce_hist_enter(History *h, const char *line) {
    HistEvent ev;
    return history(h, &ev, H_ENTER, line);
}

static inline int ce_hist_load(History *h, const char *path) {
    HistEvent ev;
    return history(h, &ev, H_LOAD, path);
}

static inline int ce_hist_save(History *h, const char *path) {
    HistEvent ev;
    return history(h, &ev, H_SAVE, path);
}

static inline int ce_hist_clear(History *h) {
    HistEvent ev;
    return history(h, &ev, H_CLEAR);
}

static inline int ce_hist_count(History *h) {
    HistEvent ev;
    if (history(h, &ev, H_GETSIZE) < 0) return 0;
    return ev.num;
}

/// The entry `op` (H_FIRST, H_LAST, H_PREV, H_NEXT) moves to, or NULL past either end.
/// The text is owned by libedit and valid until the next history call.
static inline const char *ce_hist_step(History *h, int op) {
    HistEvent ev;
    if (history(h, &ev, op) < 0) return NULL;
    return ev.str;
}

// MARK: process-wide pieces

/// Installs `handler` for SIGINT without SA_RESTART, so a blocking read() at the prompt fails
/// with EINTR instead of swallowing the Ctrl-C. (glibc's signal() would set SA_RESTART; the
/// handler field of struct sigaction is a union named differently on glibc and Darwin.)
static inline int ce_install_sigint(void (*handler)(int)) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = handler;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0;
    return sigaction(SIGINT, &action, NULL);
}

/// The width of the terminal on `fd` in columns, or 0 if it is not a terminal.
static inline int ce_terminal_width(int fd) {
    struct winsize size;
    if (ioctl(fd, TIOCGWINSZ, &size) != 0) return 0;
    return size.ws_col;
}

/// Unblocks SIGINT in the calling thread: a parent (a test runner, a service manager) may
/// have started us with it blocked, and then Ctrl-C would never reach the prompt.
static inline int ce_unblock_sigint(void) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    return pthread_sigmask(SIG_UNBLOCK, &set, NULL);
}

/// Whether the caller is the process's main thread (which lives as long as the process).
static inline int ce_is_main_thread(void) {
#ifdef __APPLE__
    return pthread_main_np();
#else
    return syscall(SYS_gettid) == getpid();
#endif
}

static inline FILE *ce_stdin(void) { return stdin; }
static inline FILE *ce_stdout(void) { return stdout; }
static inline FILE *ce_stderr(void) { return stderr; }

#endif
