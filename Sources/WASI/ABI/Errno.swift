// WASI preview1 `errno` (witx `$errno`, an u16). The numbering is fixed by the ABI; the trace
// prints them strace-style as upper-case names with an `E` prefix (`EBADF`, `ENOTCAPABLE`).

public enum WASIErrno: UInt16, CaseIterable, Error, Sendable {
    case success = 0
    case toobig, acces, addrinuse, addrnotavail, afnosupport, again, already, badf, badmsg, busy
    case canceled, child, connaborted, connrefused, connreset, deadlk, destaddrreq, dom, dquot
    case exist, fault, fbig, hostunreach, idrm, ilseq, inprogress, intr, inval, io, isconn, isdir
    case loop, mfile, mlink, msgsize, multihop, nametoolong, netdown, netreset, netunreach, nfile
    case nobufs, nodev, noent, noexec, nolck, nolink, nomem, nomsg, noprotoopt, nospc, nosys
    case notconn, notdir, notempty, notrecoverable, notsock, notsup, notty, nxio, overflow
    case ownerdead, perm, pipe, proto, protonosupport, prototype, range, rofs, spipe, srch, stale
    case timedout, txtbsy, xdev, notcapable

    /// Upper-case name as strace prints errno values: `ESUCCESS`, `E2BIG`, `EBADF`, ….
    public var name: String {
        self == .toobig ? "E2BIG" : "E" + String(describing: self).uppercased()
    }

    /// Accepts `EIO`, `eio`, `IO` or a decimal number.
    public init?(name: String) {
        if let number = UInt16(name), let value = WASIErrno(rawValue: number) {
            self = value
            return
        }
        let upper = name.uppercased()
        let match = WASIErrno.allCases.first(where: { $0.name == upper })
            ?? WASIErrno.allCases.first(where: { $0.name == "E" + upper })
        guard let match else { return nil }
        self = match
    }

}
