#include "wdb_demangle.h"
#include <stdlib.h>

// Declared here rather than through <cxxabi.h>, which is a C++ header.
char *__cxa_demangle(const char *mangled, char *buffer, size_t *length, int *status);

char *wdb_cxa_demangle(const char *mangled) {
    int status = 0;
    char *result = __cxa_demangle(mangled, NULL, NULL, &status);
    if (status != 0) {
        free(result);
        return NULL;
    }
    return result;
}

void wdb_demangle_free(char *demangled) { free(demangled); }
