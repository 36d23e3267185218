// The C++ runtime's Itanium demangler, for DebugInfo's Demangler (linked from libstdc++).
#ifndef WDB_DEMANGLE_H
#define WDB_DEMANGLE_H

// The demangled name in a malloc'd buffer the caller frees with wdb_demangle_free, or NULL
// when `mangled` is not a valid Itanium C++ name.
char *wdb_cxa_demangle(const char *mangled);
void wdb_demangle_free(char *demangled);

#endif
