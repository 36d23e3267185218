// libedit's native API. Its variadic calls (el_set, el_get, history) cannot be called from
// Swift; LineEditor's shim functions wrap them (added with the LineEditor target).
#include <histedit.h>
