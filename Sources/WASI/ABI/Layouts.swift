// Memory layouts of the preview1 structs (little-endian, offsets and sizes as witx computes
// them; wasi-libc's <wasi/api.h> asserts the same numbers).

public enum WASILayout {
    /// `iovec` / `ciovec`: buf u32 @0, buf_len u32 @4.
    public enum IOVec {
        public static let size = 8, buf = 0, bufLen = 4
    }
    /// `dirent`: d_next u64 @0, d_ino u64 @8, d_namlen u32 @16, d_type u8 @20; the name follows.
    public enum Dirent {
        public static let size = 24, next = 0, ino = 8, namlen = 16, type = 20
    }
    /// `fdstat`: fs_filetype u8 @0, fs_flags u16 @2, fs_rights_base u64 @8,
    /// fs_rights_inheriting u64 @16.
    public enum FDStat {
        public static let size = 24, filetype = 0, flags = 2, rightsBase = 8, rightsInheriting = 16
    }
    /// `filestat`: dev @0, ino @8, filetype u8 @16, nlink @24, size @32, atim @40, mtim @48,
    /// ctim @56 (u64 unless noted).
    public enum FileStat {
        public static let size = 64, dev = 0, ino = 8, filetype = 16, nlink = 24, fileSize = 32
        public static let atim = 40, mtim = 48, ctim = 56
    }
    /// `prestat`: tag u8 @0, then for `dir` pr_name_len u32 @4.
    public enum Prestat {
        public static let size = 8, tag = 0, nameLen = 4
    }
    /// `subscription`: userdata u64 @0, tag u8 @8, union at 16: clock { id u32 @16,
    /// timeout u64 @24, precision u64 @32, flags u16 @40 } or fd_readwrite { fd u32 @16 }.
    public enum Subscription {
        public static let size = 48, userdata = 0, tag = 8
        public static let clockID = 16, clockTimeout = 24, clockPrecision = 32, clockFlags = 40
        public static let fd = 16
    }
    /// `event`: userdata u64 @0, error u16 @8, type u8 @10, fd_readwrite { nbytes u64 @16,
    /// flags u16 @24 }.
    public enum Event {
        public static let size = 32, userdata = 0, error = 8, type = 10, nbytes = 16, flags = 24
    }
}
