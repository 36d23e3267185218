// libedit, loaded when the first line editor is made rather than by the program loader: `wdb run`
// and every other non-interactive command never edit a line, and loading libedit with its three
// libraries (libtinfo, libbsd, libmd) cost every start about 400 K instructions. Its variadic
// calls (el_set, el_get, history) cannot be called from Swift, so each operation LineEditor
// needs gets a fixed-argument wrapper (editline.c). Without libedit every wrapper fails
// (NULL or -1) and LineEditor reads plain lines.
#ifndef WDB_CEDITLINE_H
#define WDB_CEDITLINE_H

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

/// Loads libedit once (thread-safe); 1 if it and every function wdb uses were found, else 0.
int ce_load(void);

// MARK: the editor and the history list

EditLine *ce_el_init(const char *program, FILE *in, FILE *out, FILE *err);
void ce_el_end(EditLine *el);
const char *ce_el_gets(EditLine *el, int *count);
const LineInfo *ce_el_line(EditLine *el);
int ce_el_insertstr(EditLine *el, const char *text);
History *ce_history_init(void);
void ce_history_end(History *h);

// MARK: editor settings

int ce_set_prompt(EditLine *el, char *(*fn)(EditLine *));
int ce_set_editor(EditLine *el, const char *mode);
int ce_set_signal(EditLine *el, int on);
int ce_set_hist(EditLine *el, History *h);
int ce_set_clientdata(EditLine *el, void *data);
void *ce_get_clientdata(EditLine *el);
int ce_addfn(EditLine *el, const char *name, const char *help, unsigned char (*fn)(EditLine *, int));
/// `el_set(EL_BIND, key, function, NULL)`.
int ce_bind(EditLine *el, const char *key, const char *fname);

// MARK: history

int ce_hist_setsize(History *h, int size);
int ce_hist_setunique(History *h, int unique);
int ce_hist_enter(History *h, const char *line);
int ce_hist_load(History *h, const char *path);
int ce_hist_save(History *h, const char *path);
int ce_hist_clear(History *h);
int ce_hist_count(History *h);
/// The entry `op` (H_FIRST, H_LAST, H_PREV, H_NEXT) moves to, or NULL past either end.
/// The text is owned by libedit and valid until the next history call.
const char *ce_hist_step(History *h, int op);

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
