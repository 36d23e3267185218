import Foundation
import LineEditor
import Testing

/// A pipe whose write end is filled and closed at once, for readers that take a descriptor.
final class FilledPipe {
    let readEnd: Int32

    init(_ bytes: [UInt8]) {
        var ends: [Int32] = [0, 0]
        pipe(&ends)
        readEnd = ends[0]
        let writer = FileHandle(fileDescriptor: ends[1], closeOnDealloc: true)
        // Write from another thread: a large input would fill the pipe and block this one.
        Thread.detachNewThread {
            writer.write(Data(bytes))
            try? writer.close()
        }
    }

    convenience init(_ text: String) { self.init(Array(text.utf8)) }

    deinit { close(readEnd) }
}

@Suite struct PlainLineReaderTests {
    @Test func readsLinesWithoutTheirEndings() {
        let pipe = FilledPipe("help\r\ninfo module\n\nlast")
        let reader = PlainLineReader(fileDescriptor: pipe.readEnd)
        #expect(reader.nextLine() == "help")
        #expect(reader.nextLine() == "info module")
        #expect(reader.nextLine() == "")
        #expect(reader.nextLine() == "last")
        #expect(reader.nextLine() == nil)
        #expect(reader.nextLine() == nil)
    }

    @Test func invalidUTF8IsReplacedNotFatal() {
        let pipe = FilledPipe([0x62, 0xFF, 0xC3, 0x0A, 0xC3, 0xA9, 0x0A])
        let reader = PlainLineReader(fileDescriptor: pipe.readEnd)
        #expect(reader.nextLine() == "b\u{FFFD}\u{FFFD}")
        #expect(reader.nextLine() == "é")
        #expect(reader.nextLine() == nil)
    }

    @Test func aStaleEINTRAtTheEndDoesNotLoop() {
        let pipe = FilledPipe("")
        let reader = PlainLineReader(fileDescriptor: pipe.readEnd)
        errno = EINTR
        #expect(reader.nextLine() == nil)
    }

    @Test func manyLinesInLargeChunks() {
        let lines = (0..<20_000).map { "print \($0)" }
        let pipe = FilledPipe(lines.joined(separator: "\n") + "\n")
        let reader = PlainLineReader(fileDescriptor: pipe.readEnd)
        var read: [String] = []
        while let line = reader.nextLine() { read.append(line) }
        #expect(read == lines)
    }
}

@Suite struct LineEditorPlainModeTests {
    @Test func continuationJoinsLinesUntilThePredicateIsSatisfied() {
        let pipe = FilledPipe("(module\n  (func $f)\n)\ninfo module\n(unfinished\n")
        let options = LineEditor.Options(continuation: { ParenthesisBalance.needsMore($0) })
        let editor = LineEditor(options: options, interactive: false, inputDescriptor: pipe.readEnd)
        #expect(!editor.isInteractive)
        #expect(editor.read() == .line("(module\n  (func $f)\n)"))
        #expect(editor.read() == .line("info module"))
        // Input that ends while still open is handed over as it is.
        #expect(editor.read() == .line("(unfinished"))
        #expect(editor.read() == .endOfInput)
        // Continued input is one history entry; nothing is written to a file.
        #expect(editor.history?.entries == ["(module   (func $f) )", "info module", "(unfinished"])
    }

    @Test func noHistoryFileIsWrittenWithoutATerminal() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("wdb-nohist-\(UUID().uuidString)").path
        let pipe = FilledPipe("help\nquit\n")
        let editor = LineEditor(options: LineEditor.Options(historyPath: path), interactive: false,
                                inputDescriptor: pipe.readEnd)
        while editor.read() != .endOfInput {}
        editor.saveHistory()
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(editor.history?.entries == ["help", "quit"])
    }
}
