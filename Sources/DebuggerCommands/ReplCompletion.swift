import FoundationEssentials
import LineEditor

/// The names TAB offers for arguments that only the debugger knows.
enum CompletionSource: Hashable, Sendable {
    case functions
    case exports
    case breakpoints
    case wasiCalls
    /// Locals and globals of the selected frame, for expressions.
    case variables
}

/// What TAB offers: command names, subcommands, then arguments by the command's
/// `ArgumentKind` (names the debugger knows, WASI calls, file paths).
extension ReplSession {
    func completionCandidates(_ request: CompletionRequest) -> [String] {
        let words = request.precedingWords
        guard !words.isEmpty else {
            if request.word.hasPrefix("(") { return [] }
            return commands.visibleCommands.map(\.name)
        }
        // `help info fu`: complete the command words after `help` as commands.
        if case .success(let first) = commands.lookup(words[0]), first.argument == .command {
            return commandWordCandidates(Array(words.dropFirst()))
        }
        // Walk the typed command words down the subcommand tables.
        var table = commands
        var spec: CommandSpec?
        var consumed = 0
        for word in words {
            let name = String(word.prefix { $0 != "/" })
            guard case .success(let found) = table.lookup(name) else { return [] }
            spec = found
            consumed += 1
            guard let subcommands = found.subcommands, name == word else { break }
            table = subcommands
            if consumed == words.count { return subcommands.commands.map(\.name) }
        }
        guard let spec else { return [] }
        return argumentCandidates(spec.argument, word: request.word, argumentIndex: words.count - consumed)
    }

    /// Command names, or the subcommands of the command `words` name (nothing past a command
    /// without subcommands).
    private func commandWordCandidates(_ words: [String]) -> [String] {
        var table = commands
        for word in words {
            guard case .success(let found) = table.lookup(word), let subcommands = found.subcommands else { return [] }
            table = subcommands
        }
        return table.visibleCommands.map(\.name)
    }

    private func argumentCandidates(_ kind: ArgumentKind, word: String, argumentIndex: Int) -> [String] {
        switch kind {
        case .none:
            return []
        case .command:
            return commandWordCandidates([])
        case .file:
            return argumentIndex == 0 ? ReplSession.pathCandidates(word, directoriesOnly: false) : []
        case .directory:
            return argumentIndex == 0 ? ReplSession.pathCandidates(word, directoriesOnly: true) : []
        case .location, .function:
            var seen = Set<String>()
            return (names(.functions) + names(.exports)).filter { seen.insert($0).inserted }
        case .breakpoint:
            return names(.breakpoints)
        case .wasiCall:
            let fromBackend = names(.wasiCalls)
            return fromBackend.isEmpty ? ReplSession.wasiCallNames + ReplSession.wasiGroups : fromBackend
        case .expression:
            return names(.variables) + names(.functions)
        }
    }

    /// Names the debugger knows (functions, exports, breakpoints, variables).
    func names(_ source: CompletionSource) -> [String] {
        adapter.completions(for: source)
    }

    /// Entries of the directory named by `word` up to its last `/`, as `word`-style paths;
    /// directories end in `/`. Hidden entries only when the typed name starts with `.`.
    static func pathCandidates(_ word: String, directoriesOnly: Bool) -> [String] {
        let slash = word.lastIndex(of: "/")
        let typedDirectory = slash.map { String(word[...$0]) } ?? ""
        let namePrefix = slash.map { String(word[word.index(after: $0)...]) } ?? word
        var directory = typedDirectory.isEmpty ? "." : typedDirectory
        if directory.hasPrefix("~/") {
            directory = FileManager.default.homeDirectoryForCurrentUser.path + directory.dropFirst()
        }
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        var result: [String] = []
        for entry in entries where entry.hasPrefix(namePrefix) {
            if entry.hasPrefix(".") && !namePrefix.hasPrefix(".") { continue }
            var isDirectory = false
            let full = (directory.hasSuffix("/") ? directory : directory + "/") + entry
            _ = FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory)
            if directoriesOnly && !isDirectory { continue }
            result.append(typedDirectory + entry + (isDirectory ? "/" : ""))
        }
        return result.sorted()
    }

    /// WASI preview1 calls and the trace groups, offered when the debugger has none.
    static let wasiCallNames = [
        "args_get", "args_sizes_get", "environ_get", "environ_sizes_get", "clock_res_get",
        "clock_time_get", "fd_advise", "fd_allocate", "fd_close", "fd_datasync", "fd_fdstat_get",
        "fd_fdstat_set_flags", "fd_fdstat_set_rights", "fd_filestat_get", "fd_filestat_set_size",
        "fd_filestat_set_times", "fd_pread", "fd_prestat_get", "fd_prestat_dir_name", "fd_pwrite",
        "fd_read", "fd_readdir", "fd_renumber", "fd_seek", "fd_sync", "fd_tell", "fd_write",
        "path_create_directory", "path_filestat_get", "path_filestat_set_times", "path_link",
        "path_open", "path_readlink", "path_remove_directory", "path_rename", "path_symlink",
        "path_unlink_file", "poll_oneoff", "proc_exit", "proc_raise", "sched_yield", "random_get",
        "sock_accept", "sock_recv", "sock_send", "sock_shutdown",
    ]
    static let wasiGroups = ["filesystem", "clock", "random", "proc", "poll", "sock", "args", "environ"]
}
