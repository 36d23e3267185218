import FoundationEssentials
import Glibc
import LineEditor

/// help, apropos, source, history, echo, quit, and the WASI-world settings.
extension ReplSession {
    public static let versionLine = "wdb 0.1 (WebAssembly debugger)"
    static let maxScriptSize = 16 << 20

    // MARK: help and apropos

    func helpCommand(_ invocation: CommandInvocation) throws {
        let topic = invocation.arguments
        if topic.isEmpty {
            listAllCommands()
            return
        }
        if ["wat", "wast", "("].contains(topic) || topic.hasPrefix("(") {
            console.line(Self.watHelp)
            return
        }
        switch commands.resolve(topic) {
        case .success(let found):
            console.line(helpText(for: found.spec, path: found.path))
        case .failure(let error):
            throw ReplError(error.message)
        }
    }

    func listAllCommands() {
        console.line("List of commands:")
        for category in CommandCategory.allCases {
            console.line()
            console.line(console.heading(category.rawValue + ":"))
            for spec in commands.visibleCommands where spec.category == category {
                console.line("  " + summaryLine(spec, prefix: ""))
            }
        }
        console.line()
        console.line("Type \"help\" followed by a command name for its description and an example.")
        console.line("Type \"help wat\" for WAT and WAST typed at the prompt.")
        console.line("Type \"apropos WORD\" to search the help texts.")
    }

    /// `name (aliases) -- summary`.
    func summaryLine(_ spec: CommandSpec, prefix: String) -> String {
        let aliases = spec.aliases.isEmpty ? "" : " (\(spec.aliases.joined(separator: ", ")))"
        return "\(prefix)\(spec.name)\(aliases) -- \(spec.summary)"
    }

    func helpText(for spec: CommandSpec, path: [String]) -> String {
        var lines = ["Usage: \(spec.usage)", spec.summary + "."]
        if !spec.details.isEmpty { lines.append(spec.details) }
        if let subcommands = spec.subcommands {
            lines.append("Subcommands:")
            let prefix = path.joined(separator: " ") + " "
            for sub in subcommands.commands { lines.append("  " + summaryLine(sub, prefix: prefix)) }
        }
        if !spec.aliases.isEmpty { lines.append("Aliases: " + spec.aliases.joined(separator: ", ")) }
        if spec.repeatsOnEnter { lines.append("Enter on an empty line repeats it.") }
        lines.append("Example: " + spec.example)
        return lines.joined(separator: "\n")
    }

    func listSubcommands(of name: String) {
        guard let spec = commands.spec(named: name), let subcommands = spec.subcommands else { return }
        console.line("\"\(name)\" must be followed by a subcommand:")
        for sub in subcommands.commands { console.line("  " + summaryLine(sub, prefix: name + " ")) }
    }

    func aproposCommand(_ invocation: CommandInvocation) throws {
        let word = invocation.arguments.lowercased()
        guard !word.isEmpty else { throw ReplError("Usage: \(invocation.spec.usage)") }
        var found = false
        func search(_ table: CommandTable, prefix: String) {
            for spec in table.visibleCommands {
                let text = ([prefix + spec.name, spec.summary, spec.details, spec.usage] + spec.aliases)
                    .joined(separator: "\n").lowercased()
                if text.contains(word) {
                    console.line(summaryLine(spec, prefix: prefix))
                    found = true
                }
                if let subcommands = spec.subcommands { search(subcommands, prefix: prefix + spec.name + " ") }
            }
        }
        search(commands, prefix: "")
        if !found { console.line("No command mentions \"\(invocation.arguments)\".") }
    }

    // MARK: scripts

    func sourceCommand(_ invocation: CommandInvocation) throws {
        let path = invocation.arguments
        guard !path.isEmpty else { throw ReplError("Usage: \(invocation.spec.usage)") }
        guard sourceDepth < Self.maxSourceDepth else {
            throw ReplError("\(path): scripts nested more than \(Self.maxSourceDepth) deep (does it source itself?).")
        }
        let text = try readScript(path)
        sourceDepth += 1
        defer { sourceDepth -= 1 }
        runScript(text)
    }

    func readScript(_ path: String) throws -> String {
        // A file handle, not Data(contentsOf:), so /dev/null and named pipes work too.
        var isDirectory = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ReplError("\(path): error: cannot read file: No such file or directory")
        }
        let descriptor = isDirectory ? -1 : open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw ReplError("\(path): error: cannot read file: \(isDirectory ? "Is a directory" : String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        // Bounded, so `source /dev/zero` ends with an error instead of eating memory forever.
        // read(2) with EINTR handled (a named pipe waiting for its writer is interruptible): a
        // stray signal is retried, Ctrl-C abandons the script.
        var data = Data()
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                let code = errno
                if code != EINTR {
                    throw ReplError("\(path): error: cannot read file: \(String(cString: strerror(code)))")
                }
                if takeInterrupt() { throw ReplError("\(path): error: interrupted while reading") }
                continue
            }
            if count == 0 { break }
            data.append(contentsOf: chunk[0..<count])
            if data.count > Self.maxScriptSize {
                throw ReplError("\(path): error: script larger than \(Self.maxScriptSize >> 20) MiB")
            }
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// Runs each command of a script, joining lines while a WAT input's parentheses are open.
    /// Goes on after a failed command; stops at `quit`. Returns true if every command succeeded.
    @discardableResult
    func runScript(_ text: String) -> Bool {
        var allSucceeded = true
        var pending: String?
        let wasInteractive = isInteractive
        isInteractive = false  // empty lines in a script do not repeat the last command
        defer { isInteractive = wasInteractive }
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if quitRequested { break }
            if takeInterrupt() {  // Ctrl-C while a script runs stops the script
                fail("Interrupted.")
                return false
            }
            var input = String(line)
            if input.hasSuffix("\r") { input.removeLast() }
            if let open = pending { input = open + "\n" + input }
            if ReplSession.needsContinuation(input) {
                pending = input
                continue
            }
            pending = nil
            if !execute(input) { allSucceeded = false }
        }
        if let open = pending, !quitRequested, !execute(open) { allSucceeded = false }
        if commandListDraft != nil {
            dropUnfinishedCommandList()
            allSucceeded = false
        }
        return allSucceeded
    }

    /// The continuation rule of the prompt: WAT input (starting with `(`) continues while its
    /// parentheses are open.
    static func needsContinuation(_ text: String) -> Bool {
        text.drop(while: \.isWhitespace).hasPrefix("(") && ParenthesisBalance.needsMore(text)
    }

    // MARK: history, echo, quit

    func historyCommand(_ invocation: CommandInvocation) throws {
        let entries = history?.entries ?? []
        var shown = entries[...]
        if let word = invocation.words.first {
            guard invocation.words.count == 1, let count = Int(word), count >= 0 else {
                throw ReplError("Usage: \(invocation.spec.usage)")
            }
            shown = entries.suffix(count)
        }
        let first = entries.count - shown.count
        for (offset, entry) in shown.enumerated() {
            let number = String(first + offset + 1)
            console.line(String(repeating: " ", count: max(0, 5 - number.count)) + number + "  " + entry)
        }
    }

    func echoCommand(_ invocation: CommandInvocation) {
        var text = ""
        var escaped = false
        for character in invocation.arguments {
            if escaped {
                switch character {
                case "n": text += "\n"
                case "t": text += "\t"
                case "e": text += "\u{1B}"
                default: text.append(character)
                }
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else {
                text.append(character)
            }
        }
        console.write(text, toError: false)
    }

    func quitCommand(_ invocation: CommandInvocation) throws {
        if let word = invocation.words.first {
            guard invocation.words.count == 1, let code = Int32(word) else {
                throw ReplError("Usage: \(invocation.spec.usage)")
            }
            guard confirmQuit() else { return }
            exitCode = code
            guestExited = false
        }
        guard confirmQuit() else { return }
        quitRequested = true
    }

    /// gdb's question before killing a live guest, at a terminal only (batch mode never
    /// asks). y/yes quits, n/no stays, anything else asks again; the end of input answers
    /// yes (as gdb does), Ctrl-C no.
    func confirmQuit() -> Bool {
        guard isInteractive, adapter.hasLiveGuest, askQuestion != nil else { return true }
        console.line("A debugging session is active.")
        console.line("")
        console.line("\tInferior 1 will be killed.")
        console.line("")
        return confirm("Quit anyway? (y or n) ")
    }

    /// At a terminal with a guest stopped in a call, `run` and `start` ask first, as gdb does;
    /// scripts and pipes never ask.
    func confirmRestart() -> Bool {
        guard isInteractive, adapter.hasLiveGuest, askQuestion != nil else { return true }
        console.line("The program being debugged has been started already.")
        return confirm("Start it from the beginning? (y or n) ")
    }

    /// Asks a yes/no question at the terminal until answered; end of input counts as yes.
    func confirm(_ question: String) -> Bool {
        guard let ask = askQuestion else { return true }
        while true {
            guard let answer = ask(question) else {
                if takeInterrupt() {
                    console.line("Not confirmed.")
                    return false
                }
                console.line("EOF [answered Y; input not from terminal]")
                return true
            }
            switch answer.trimmed.lowercased() {
            case "y", "yes": return true
            case "n", "no":
                console.line("Not confirmed.")
                return false
            default:
                console.line("Please answer y or n.")
            }
        }
    }

    // MARK: the WASI world of the next run

    func setArgs(_ invocation: CommandInvocation) throws {
        guestArguments = try ReplSession.splitArguments(invocation.arguments)
    }

    func showArgs(_ invocation: CommandInvocation) throws {
        let text = guestArguments.map(ReplSession.quoteIfNeeded).joined(separator: " ")
        console.line("Arguments of the next run: \"\(text)\".")
    }

    func setEnv(_ invocation: CommandInvocation) throws {
        let text = invocation.arguments
        let name: String
        let value: String
        if let equals = text.firstIndex(of: "=") {
            name = String(text[..<equals]).trimmed
            value = String(text[text.index(after: equals)...]).trimmed
        } else {
            let words = invocation.words
            guard let first = words.first else { throw ReplError("Usage: \(invocation.spec.usage)") }
            name = first
            value = String(text.dropFirst(first.count)).trimmed
        }
        guard !name.isEmpty, !name.contains(where: \.isWhitespace) else {
            throw ReplError("Usage: \(invocation.spec.usage)")
        }
        environment.removeAll { $0.name == name }
        environment.append((name, value))
    }

    func unsetEnv(_ invocation: CommandInvocation) throws {
        let words = invocation.words
        if words.isEmpty {
            environment.removeAll()
            return
        }
        for name in words {
            guard environment.contains(where: { $0.name == name }) else {
                throw ReplError("Environment variable \"\(name)\" is not set.")
            }
            environment.removeAll { $0.name == name }
        }
    }

    func showEnv(_ invocation: CommandInvocation) throws {
        if let name = invocation.words.first {
            guard let entry = environment.first(where: { $0.name == name }) else {
                throw ReplError("Environment variable \"\(name)\" is not set.")
            }
            console.line("\(entry.name)=\(entry.value)")
            return
        }
        if environment.isEmpty { console.line("The next run has an empty environment.") }
        for entry in environment { console.line("\(entry.name)=\(entry.value)") }
    }

    func directoryCommand(_ invocation: CommandInvocation) throws {
        let spec = invocation.arguments
        if spec.isEmpty {
            try showDirs(invocation)
            return
        }
        let host = spec.components(separatedBy: "::").first ?? spec
        var isDirectory = false
        guard FileManager.default.fileExists(atPath: host, isDirectory: &isDirectory), isDirectory else {
            throw ReplError("\(host): No such directory.")
        }
        if !directories.contains(spec) { directories.append(spec) }
        console.line("Directory \(spec) will be preopened for the next run.")
    }

    func showDirs(_ invocation: CommandInvocation) throws {
        if directories.isEmpty {
            console.line("No directories are preopened.")
            return
        }
        for directory in directories { console.line(directory) }
    }

    /// Splits like a shell: spaces separate words, "…" and '…' keep spaces, \ escapes one
    /// character.
    static func splitArguments(_ text: String) throws -> [String] {
        var words: [String] = []
        var current = ""
        var inWord = false
        var quote: Character?
        var escaped = false
        for character in text {
            if escaped {
                current.append(character)
                escaped = false
                continue
            }
            if character == "\\" && quote != "'" {
                escaped = true
                inWord = true
                continue
            }
            if let open = quote {
                if character == open { quote = nil } else { current.append(character) }
                continue
            }
            if character == "\"" || character == "'" {
                quote = character
                inWord = true
            } else if character.isWhitespace {
                if inWord { words.append(current) }
                current = ""
                inWord = false
            } else {
                current.append(character)
                inWord = true
            }
        }
        if quote != nil { throw ReplError("Unterminated quote in arguments.") }
        if escaped { current.append("\\") }
        if inWord { words.append(current) }
        return words
    }

    static func quoteIfNeeded(_ word: String) -> String {
        if !word.isEmpty && !word.contains(where: { $0.isWhitespace || $0 == "\"" || $0 == "'" || $0 == "\\" }) {
            return word
        }
        return "'" + word.replacing("'", with: "'\\''") + "'"
    }
}
