// libedit through dlopen (see CEditLine.h for why). The functions are looked up once; every
// wrapper checks that the load succeeded, so a machine without libedit gets plain line input
// instead of a failure to start.
#include "CEditLine.h"

#include <dlfcn.h>
#include <stdarg.h>

static struct {
    EditLine *(*el_init)(const char *, FILE *, FILE *, FILE *);
    void (*el_end)(EditLine *);
    const char *(*el_gets)(EditLine *, int *);
    const LineInfo *(*el_line)(EditLine *);
    int (*el_insertstr)(EditLine *, const char *);
    int (*el_set)(EditLine *, int, ...);
    int (*el_get)(EditLine *, int, ...);
    History *(*history_init)(void);
    void (*history_end)(History *);
    int (*history)(History *, HistEvent *, int, ...);
} api;

static int loaded;
static pthread_once_t load_once = PTHREAD_ONCE_INIT;

static void load(void) {
#ifdef __APPLE__
    static const char *const names[] = {"libedit.3.dylib", "libedit.dylib"};
#else
    static const char *const names[] = {"libedit.so.2", "libedit.so"};
#endif
    void *library = NULL;
    for (size_t i = 0; i < sizeof names / sizeof names[0] && library == NULL; i++) {
        library = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
    }
    if (library == NULL) return;
    // Each assignment goes through a void * from dlsym: POSIX guarantees that converts back to
    // a function pointer.
#define RESOLVE(name) \
    do { \
        void *symbol = dlsym(library, #name); \
        if (symbol == NULL) return; \
        memcpy(&api.name, &symbol, sizeof symbol); \
    } while (0)
    RESOLVE(el_init);
    RESOLVE(el_end);
    RESOLVE(el_gets);
    RESOLVE(el_line);
    RESOLVE(el_insertstr);
    RESOLVE(el_set);
    RESOLVE(el_get);
    RESOLVE(history_init);
    RESOLVE(history_end);
    RESOLVE(history);
#undef RESOLVE
    loaded = 1;
}

int ce_load(void) {
    pthread_once(&load_once, load);
    return loaded;
}

// MARK: the editor and the history list

EditLine *ce_el_init(const char *program, FILE *in, FILE *out, FILE *err) {
    return ce_load() ? api.el_init(program, in, out, err) : NULL;
}

void ce_el_end(EditLine *el) {
    if (ce_load() && el != NULL) api.el_end(el);
}

const char *ce_el_gets(EditLine *el, int *count) {
    if (!ce_load()) {
        *count = -1;
        return NULL;
    }
    return api.el_gets(el, count);
}

const LineInfo *ce_el_line(EditLine *el) { return ce_load() ? api.el_line(el) : NULL; }

int ce_el_insertstr(EditLine *el, const char *text) { return ce_load() ? api.el_insertstr(el, text) : -1; }

History *ce_history_init(void) { return ce_load() ? api.history_init() : NULL; }

void ce_history_end(History *h) {
    if (ce_load() && h != NULL) api.history_end(h);
}

// MARK: editor settings

int ce_set_prompt(EditLine *el, char *(*fn)(EditLine *)) {
    return ce_load() ? api.el_set(el, EL_PROMPT, fn) : -1;
}

int ce_set_editor(EditLine *el, const char *mode) { return ce_load() ? api.el_set(el, EL_EDITOR, mode) : -1; }

int ce_set_signal(EditLine *el, int on) { return ce_load() ? api.el_set(el, EL_SIGNAL, on) : -1; }

int ce_set_hist(EditLine *el, History *h) {
    // EL_HIST takes the history function itself, then its list.
    return ce_load() ? api.el_set(el, EL_HIST, api.history, h) : -1;
}

int ce_set_clientdata(EditLine *el, void *data) { return ce_load() ? api.el_set(el, EL_CLIENTDATA, data) : -1; }

void *ce_get_clientdata(EditLine *el) {
    void *data = NULL;
    if (!ce_load() || api.el_get(el, EL_CLIENTDATA, &data) != 0) return NULL;
    return data;
}

int ce_addfn(EditLine *el, const char *name, const char *help, unsigned char (*fn)(EditLine *, int)) {
    return ce_load() ? api.el_set(el, EL_ADDFN, name, help, fn) : -1;
}

int ce_bind(EditLine *el, const char *key, const char *fname) {
    return ce_load() ? api.el_set(el, EL_BIND, key, fname, (const char *)NULL) : -1;
}

// MARK: history

static int history_op(History *h, HistEvent *event, int op, const void *argument) {
    if (!ce_load()) return -1;
    return api.history(h, event, op, argument);
}

int ce_hist_setsize(History *h, int size) {
    HistEvent ev;
    return ce_load() ? api.history(h, &ev, H_SETSIZE, size) : -1;
}

int ce_hist_setunique(History *h, int unique) {
    HistEvent ev;
    return ce_load() ? api.history(h, &ev, H_SETUNIQUE, unique) : -1;
}

int ce_hist_enter(History *h, const char *line) {
    HistEvent ev;
    return history_op(h, &ev, H_ENTER, line);
}

int ce_hist_load(History *h, const char *path) {
    HistEvent ev;
    return history_op(h, &ev, H_LOAD, path);
}

int ce_hist_save(History *h, const char *path) {
    HistEvent ev;
    return history_op(h, &ev, H_SAVE, path);
}

int ce_hist_clear(History *h) {
    HistEvent ev;
    return ce_load() ? api.history(h, &ev, H_CLEAR) : -1;
}

int ce_hist_count(History *h) {
    HistEvent ev;
    if (!ce_load() || api.history(h, &ev, H_GETSIZE) < 0) return 0;
    return ev.num;
}

const char *ce_hist_step(History *h, int op) {
    HistEvent ev;
    if (!ce_load() || api.history(h, &ev, op) < 0) return NULL;
    return ev.str;
}
