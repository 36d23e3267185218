// args/environ, clocks, random, poll_oneoff and sockets.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension WASIHost {
    // MARK: args and environ

    func stringsGet(_ strings: [[UInt8]], _ m: GuestView, _ a: Arguments) throws(WASIErrno) {
        let pointers = a.u32(0), buffer = a.u32(1)
        let total = strings.reduce(0) { $0 + $1.count }
        _ = try m.range(pointers, strings.count * 4)
        _ = try m.range(buffer, total)
        var offset = 0
        for (index, bytes) in strings.enumerated() {
            try m.store32(buffer &+ UInt32(offset), pointers &+ UInt32(index * 4))
            try m.write(bytes, at: buffer &+ UInt32(offset))
            offset += bytes.count
        }
    }

    func stringsSizes(_ strings: [[UInt8]], _ m: GuestView, _ a: Arguments) throws(WASIErrno) {
        _ = try m.range(a.u32(0), 4)
        _ = try m.range(a.u32(1), 4)
        try m.store32(UInt32(strings.count), a.u32(0))
        try m.store32(UInt32(strings.reduce(0) { $0 + $1.count }), a.u32(1))
    }

    // MARK: clocks and random

    func clockResGet(_ m: GuestView, _ a: Arguments) throws(WASIErrno) {
        guard let id = WASIClockID(rawValue: a.u32(0)),
              let value = configuration.clock.resolution(id) else { throw .inval }
        try m.store64(value, a.u32(1))
    }

    func clockTimeGet(_ m: GuestView, _ a: Arguments) throws(WASIErrno) {
        guard let id = WASIClockID(rawValue: a.u32(0)),
              let value = configuration.clock.now(id) else { throw .inval }
        try m.store64(value, a.u32(2))
    }

    func randomGet(_ m: GuestView, _ a: Arguments) throws(WASIErrno) {
        let window = try m.slice(a.u32(0), a.u32(1))
        configuration.random.fill(window)
        m.memory.didWrite(offset: Int(a.u32(0)), count: window.count)
    }

    // MARK: poll_oneoff

    private struct PendingEvent {
        var userdata: UInt64
        var error: WASIErrno
        var type: WASIEventType
        var nbytes: UInt64 = 0
        var flags: UInt16 = 0
    }

    func pollOneoff(_ m: GuestView, _ a: Arguments) throws(WASIErrno) {
        typealias S = WASILayout.Subscription
        let input = a.u32(0), output = a.u32(1), count = a.u32(2), neventsOut = a.u32(3)
        guard count > 0 else { throw .inval }
        _ = try m.range(input, Int(count) * S.size)
        _ = try m.range(output, Int(count) * WASILayout.Event.size)
        _ = try m.range(neventsOut, 4)

        var ready: [PendingEvent] = []
        var clocks: [(userdata: UInt64, deadline: UInt64)] = []  // host monotonic ns
        var watched: [(userdata: UInt64, type: WASIEventType)] = []
        var pollSet: [pollfd] = []
        let start = POSIX.monotonicNow()

        for index in 0..<count {
            let base = input &+ index &* UInt32(S.size)
            let userdata = try m.u64(base &+ UInt32(S.userdata))
            guard let type = WASIEventType(rawValue: try m.u8(base &+ UInt32(S.tag))) else { throw .inval }
            switch type {
            case .clock:
                let rawID = try m.u32(base &+ UInt32(S.clockID))
                let timeout = try m.u64(base &+ UInt32(S.clockTimeout))
                let flags = try m.u16(base &+ UInt32(S.clockFlags))
                guard let id = WASIClockID(rawValue: rawID), let now = configuration.clock.now(id) else {
                    ready.append(PendingEvent(userdata: userdata, error: .inval, type: .clock))
                    continue
                }
                var remaining = timeout
                if flags & WASIMiscFlags.subclockAbstime != 0 { remaining = timeout > now ? timeout - now : 0 }
                let (deadline, overflow) = start.addingReportingOverflow(remaining)
                clocks.append((userdata, overflow ? UInt64.max : deadline))
            case .fdRead, .fdWrite:
                let fd = try m.u32(base &+ UInt32(S.fd))
                guard let d = table.lookup(fd) else {
                    ready.append(PendingEvent(userdata: userdata, error: .badf, type: type))
                    continue
                }
                guard d.rightsBase.contains(.pollFdReadwrite) || d.kind == .listener || d.kind == .socket else {
                    ready.append(PendingEvent(userdata: userdata, error: .notcapable, type: type))
                    continue
                }
                if d.fileType == .regularFile || d.fileType == .directory {
                    // Files are always ready; report how much is left to read.
                    var event = PendingEvent(userdata: userdata, error: .success, type: type)
                    if type == .fdRead, let info = try? POSIX.fstat(d.hostFD) {
                        let position = lseek(d.hostFD, 0, SEEK_CUR)
                        if position >= 0 && Int64(info.st_size) > Int64(position) {
                            event.nbytes = UInt64(Int64(info.st_size) - Int64(position))
                        }
                    }
                    ready.append(event)
                } else {
                    watched.append((userdata, type))
                    pollSet.append(pollfd(fd: d.hostFD, events: Int16(type == .fdRead ? POLLIN : POLLOUT), revents: 0))
                }
            }
        }

        let deadline = clocks.map(\.deadline).min()
        if ready.isEmpty {
            while true {
                let now = POSIX.monotonicNow()
                let remaining: UInt64? = deadline.map { $0 > now ? $0 - now : 0 }
                if pollSet.isEmpty {
                    guard let remaining, remaining > 0 else { break }
                    var request = timespec(tv_sec: Int(remaining / 1_000_000_000),
                                           tv_nsec: Int(remaining % 1_000_000_000))
                    var left = timespec()
                    if nanosleep(&request, &left) == 0 { break }
                    continue  // interrupted: recompute the remaining time
                }
                // Round up to whole milliseconds without overflowing on huge timeouts.
                let millis: Int32 = remaining.map {
                    Int32(clamping: $0 / 1_000_000 + ($0 % 1_000_000 == 0 ? 0 : 1))
                } ?? -1
                let result = pollSet.withUnsafeMutableBufferPointer {
                    poll($0.baseAddress, nfds_t($0.count), millis)
                }
                if result >= 0 { break }
                if errno != EINTR { throw WASIErrno.last }
            }
        } else if !pollSet.isEmpty {
            _ = pollSet.withUnsafeMutableBufferPointer { poll($0.baseAddress, nfds_t($0.count), 0) }
        }

        for (entry, watch) in zip(pollSet, watched) where entry.revents != 0 {
            var event = PendingEvent(userdata: watch.userdata, error: .success, type: watch.type)
            if entry.revents & Int16(POLLNVAL) != 0 { event.error = .badf }
            else if entry.revents & Int16(POLLERR) != 0 { event.error = .io }
            if entry.revents & Int16(POLLHUP) != 0 { event.flags = WASIMiscFlags.eventHangup }
            ready.append(event)
        }
        let now = POSIX.monotonicNow()
        for clock in clocks where clock.deadline <= now {
            ready.append(PendingEvent(userdata: clock.userdata, error: .success, type: .clock))
        }

        typealias E = WASILayout.Event
        for (index, event) in ready.enumerated() {
            let base = output &+ UInt32(index * E.size)
            try m.write(repeatElement(0, count: E.size), at: base)
            try m.store64(event.userdata, base &+ UInt32(E.userdata))
            try m.store16(event.error.rawValue, base &+ UInt32(E.error))
            try m.store8(event.type.rawValue, base &+ UInt32(E.type))
            if event.type != .clock {
                try m.store64(event.nbytes, base &+ UInt32(E.nbytes))
                try m.store16(event.flags, base &+ UInt32(E.flags))
            }
        }
        try m.store32(UInt32(ready.count), neventsOut)
    }

    // MARK: sockets

    func sockAccept(_ m: GuestView, _ a: Arguments) throws(WASIErrno) {
        let d = try table.get(a.u32(0))
        // The descriptor's kind first, then its rights (as Linux and wasmtime): a file is ENOTSOCK.
        guard d.isSocket else { throw .notsock }
        try d.require(.sockAccept)
        guard a.u32(1) & ~UInt32(WASIFDFlags.nonblock.rawValue) == 0 else { throw .inval }
        let nonblock = a.u32(1) != 0
        _ = try m.range(a.u32(2), 4)
        let hostFD = try POSIX.check { accept(d.hostFD, nil, nil) }
        _ = fcntl(hostFD, F_SETFD, FD_CLOEXEC)
        if nonblock { _ = fcntl(hostFD, F_SETFL, O_NONBLOCK) }
        let descriptor = Descriptor(
            hostFD: hostFD, kind: .socket, fileType: .socketStream,
            rightsBase: d.rightsInheriting.subtracting(.sockAccept), rightsInheriting: [],
            flags: nonblock ? .nonblock : [], label: d.label + ",accepted")
        let fd: UInt32
        do throws(WASIErrno) {
            fd = try table.insert(descriptor)
        } catch {
            descriptor.closeHost()
            throw error
        }
        try m.store32(fd, a.u32(2))
    }

    func sockRecv(_ m: GuestView, _ a: Arguments) throws(WASIErrno) {
        let d = try table.get(a.u32(0))
        guard d.isSocket else { throw .notsock }
        try d.require(.fdRead)
        guard a.u32(3) <= 3 else { throw .inval }
        let list = try m.iovecs(a.u32(1), a.u32(2))
        _ = try m.range(a.u32(4), 4)
        _ = try m.range(a.u32(5), 2)
        var flags: Int32 = 0
        if a.u32(3) & UInt32(WASIMiscFlags.recvPeek) != 0 { flags |= Int32(MSG_PEEK) }
        if a.u32(3) & UInt32(WASIMiscFlags.recvWaitall) != 0 { flags |= Int32(MSG_WAITALL) }
        var vectors = list.map { entry in
            iovec(iov_base: m.bytes.baseAddress.map { $0 + Int(entry.buf) }, iov_len: Int(entry.len))
        }
        var truncated = false
        let count = try POSIX.check {
            vectors.withUnsafeMutableBufferPointer { buffer -> Int in
                var message = msghdr()
                message.msg_iov = buffer.baseAddress
                message.msg_iovlen = buffer.count
                let received = recvmsg(d.hostFD, &message, flags)
                truncated = message.msg_flags & Int32(MSG_TRUNC) != 0
                return received
            }
        }
        reportFilled(m, list, count)
        try m.store32(UInt32(truncatingIfNeeded: count), a.u32(4))
        try m.store16(truncated ? WASIMiscFlags.recvDataTruncated : 0, a.u32(5))
    }

    func sockSend(_ m: GuestView, _ a: Arguments) throws(WASIErrno) {
        let d = try table.get(a.u32(0))
        guard d.isSocket else { throw .notsock }
        try d.require(.fdWrite)
        let list = try m.iovecs(a.u32(1), a.u32(2))
        _ = try m.range(a.u32(4), 4)
        var vectors = list.map { entry in
            iovec(iov_base: m.bytes.baseAddress.map { $0 + Int(entry.buf) }, iov_len: Int(entry.len))
        }
        let count = try POSIX.check {
            vectors.withUnsafeMutableBufferPointer { buffer -> Int in
                var message = msghdr()
                message.msg_iov = buffer.baseAddress
                message.msg_iovlen = buffer.count
                // MSG_NOSIGNAL: a closed peer is EPIPE for the guest, not SIGPIPE for wdb.
                return sendmsg(d.hostFD, &message, Int32(MSG_NOSIGNAL))
            }
        }
        try m.store32(UInt32(truncatingIfNeeded: count), a.u32(4))
    }

    func sockShutdown(_ a: Arguments) throws(WASIErrno) {
        let d = try table.get(a.u32(0))
        guard d.isSocket else { throw .notsock }
        try d.require(.sockShutdown)
        let how: Int32
        switch a.u32(1) {
        case 1: how = Int32(SHUT_RD)
        case 2: how = Int32(SHUT_WR)
        case 3: how = Int32(SHUT_RDWR)
        default: throw .inval
        }
        try POSIX.check { shutdown(d.hostFD, how) }
    }
}
