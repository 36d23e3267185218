import Foundation
import LineEditor
import Testing

@Suite struct HistoryStoreTests {
    func temporaryPath(_ name: String) throws -> String {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("wdb-history-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory.appendingPathComponent(name).path
    }

    @Test func entriesSurviveASaveAndLoad() throws {
        let path = try temporaryPath("history")
        let lines = ["break $main", "x/8xw 0x100", #"echo a\tb "quoted""#, "print café", "(module (func))"]
        do {
            let store = try #require(HistoryStore(path: path))
            for line in lines { store.add(line) }
            #expect(store.entries == lines)
            #expect(store.save())
        }
        let reloaded = try #require(HistoryStore(path: path))
        #expect(reloaded.entries == lines)
        #expect(reloaded.count == lines.count)
        // libedit's own format: a header, then vis-encoded lines (a space is \040).
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.hasPrefix("_HiStOrY_V2_\n"))
        #expect(text.contains(#"break\040$main"#))
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
    }

    @Test func blankLinesAndRepeatsAreNotRecorded() throws {
        let store = try #require(HistoryStore(path: nil))
        store.add("")
        store.add("   ")
        store.add("step\n")
        store.add("step")
        store.add("next")
        store.add("step")
        #expect(store.entries == ["step", "next", "step"])
    }

    @Test func theListKeepsTheNewestEntriesUpToItsLimit() throws {
        let store = try #require(HistoryStore(path: nil, limit: 3))
        for index in 1...5 { store.add("print \(index)") }
        #expect(store.entries == ["print 3", "print 4", "print 5"])
    }

    @Test func aMissingFileGivesAnEmptyList() throws {
        let path = try temporaryPath("absent")
        let store = try #require(HistoryStore(path: path))
        #expect(store.entries.isEmpty)
        let inMemory = try #require(HistoryStore(path: nil))
        inMemory.add("info module")
        #expect(!inMemory.save())
    }

    @Test func clearEmptiesTheList() throws {
        let store = try #require(HistoryStore(path: nil))
        store.add("a")
        store.clear()
        #expect(store.entries.isEmpty)
    }
}
