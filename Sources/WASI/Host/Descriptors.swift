// The guest's file descriptor table. Each entry owns (or borrows, for stdio) a host descriptor
// and carries the WASI rights that limit what the guest can do with it.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One directory entry as fd_readdir reports it.
struct DirectoryEntry {
    let name: [UInt8]
    let inode: UInt64
    let type: WASIFileType
}

final class Descriptor {
    enum Kind { case stdio, file, directory, listener, socket }

    let hostFD: Int32
    let kind: Kind
    let fileType: WASIFileType
    var rightsBase: WASIRights
    var rightsInheriting: WASIRights
    var flags: WASIFDFlags
    /// What the trace shows after the fd number: `/data`, `/data/notes.txt`, `stdout`.
    let label: String
    /// `label` in UTF-8, made once: the trace copies it for every call on this fd. Raw memory
    /// owned by this descriptor, so reading it costs no reference counting.
    let labelUTF8: UnsafeRawBufferPointer
    /// The guest name when this is a preopened directory (fd_prestat_*).
    let preopenName: String?
    /// Whether `hostFD` is ours to close (stdio descriptors belong to the embedder).
    let ownsHostFD: Bool
    /// Snapshot of the directory listing taken when the guest reads from cookie 0.
    var directoryListing: [DirectoryEntry]?

    init(hostFD: Int32, kind: Kind, fileType: WASIFileType, rightsBase: WASIRights,
         rightsInheriting: WASIRights, flags: WASIFDFlags = [], label: String,
         preopenName: String? = nil, ownsHostFD: Bool = true) {
        self.hostFD = hostFD
        self.kind = kind
        self.fileType = fileType
        self.rightsBase = rightsBase
        self.rightsInheriting = rightsInheriting
        self.flags = flags
        self.label = label
        let storage = UnsafeMutableRawPointer.allocate(byteCount: max(label.utf8.count, 1), alignment: 1)
        UnsafeMutableRawBufferPointer(start: storage, count: label.utf8.count).copyBytes(from: label.utf8)
        labelUTF8 = UnsafeRawBufferPointer(start: storage, count: label.utf8.count)
        self.preopenName = preopenName
        self.ownsHostFD = ownsHostFD
    }

    deinit { labelUTF8.baseAddress?.deallocate() }

    func require(_ rights: WASIRights) throws(WASIErrno) {
        if !rightsBase.isSuperset(of: rights) { throw .notcapable }
    }

    /// A listening or an accepted socket (the socket calls check this before rights).
    var isSocket: Bool { kind == .socket || kind == .listener }

    func closeHost() {
        if ownsHostFD { _ = close(hostFD) }
    }
}

/// Guest fd → descriptor. Lowest free number is reused, as POSIX does.
struct DescriptorTable {
    /// Upper bound on open guest descriptors, so a guest cannot grow the table without limit.
    static let limit = 4096
    private(set) var slots: [Descriptor?] = []
    /// The trace label bytes of each slot's descriptor (owned by it), kept in step with `slots`:
    /// trivial values, so the trace reads them without reference counting.
    private var labels: [UnsafeRawBufferPointer?] = []

    @inline(__always)
    func get(_ fd: UInt32) throws(WASIErrno) -> Descriptor {
        let index = Int(fd)
        guard index < slots.count, let entry = slots[index] else { throw .badf }
        return entry
    }

    func lookup(_ fd: UInt32) -> Descriptor? {
        let index = Int(fd)
        return index < slots.count ? slots[index] : nil
    }

    /// The label's bytes of an open fd; valid while the fd stays open (during the call).
    @inline(__always)
    func traceLabel(_ fd: UInt32) -> UnsafeRawBufferPointer? {
        let index = Int(fd)
        return index < labels.count ? labels[index] : nil
    }

    mutating func insert(_ descriptor: Descriptor) throws(WASIErrno) -> UInt32 {
        if let free = slots.firstIndex(where: { $0 == nil }) {
            slots[free] = descriptor
            labels[free] = descriptor.labelUTF8
            return UInt32(free)
        }
        guard slots.count < DescriptorTable.limit else { throw .nfile }
        slots.append(descriptor)
        labels.append(descriptor.labelUTF8)
        return UInt32(slots.count - 1)
    }

    mutating func set(_ fd: UInt32, _ descriptor: Descriptor?) {
        let index = Int(fd)
        while slots.count <= index {
            slots.append(nil)
            labels.append(nil)
        }
        slots[index] = descriptor
        labels[index] = descriptor?.labelUTF8
    }

    @discardableResult
    mutating func remove(_ fd: UInt32) throws(WASIErrno) -> Descriptor {
        let entry = try get(fd)
        slots[Int(fd)] = nil
        labels[Int(fd)] = nil
        while let last = slots.last, last == nil {
            slots.removeLast()
            labels.removeLast()
        }
        return entry
    }
}
