import Testing
import WasmCore
@testable import WasmText

/// The byte-keyed tables the parser looks identifiers and mnemonics up in.
@Suite struct LookupTableTests {
    /// Names of every length around the word size, in both the linear and the hashed regime.
    @Test func nameTableFindsWhatWasInserted() {
        let words = (1...40).map { i in String(repeating: "ab", count: i / 2) + "x\(i)" }
        let text = words.joined(separator: " ")
        let source = SourceText(Array(text.utf8))
        var ranges: [(Int, Int)] = []
        var offset = 0
        for w in words {
            ranges.append((offset, offset + w.utf8.count))
            offset += w.utf8.count + 1
        }
        var table = NameTable()
        for (i, (start, end)) in ranges.enumerated() {
            let added = table.insert(source, start, end, value: UInt32(i))
            #expect(added)
            // Everything inserted so far is found, with its own value; the rest is not.
            for (j, (s, e)) in ranges.enumerated() {
                #expect(table.find(source, s, e) == (j <= i ? UInt32(j) : nil))
            }
        }
        // A duplicate is refused and keeps the first value; a prefix is another name.
        let addedAgain = table.insert(source, ranges[20].0, ranges[20].1, value: 99)
        #expect(!addedAgain)
        #expect(table.find(source, ranges[20].0, ranges[20].1) == 20)
        #expect(table.find(source, ranges[20].0, ranges[20].1 - 1) == nil)
        table.removeAll()
        #expect(table.isEmpty && table.find(source, ranges[3].0, ranges[3].1) == nil)
    }

    /// Every mnemonic of the instruction table is found from source text, with its opcode,
    /// and near misses are not.
    @Test func mnemonicTableMatchesTheInstructionTable() {
        let names = Opcode.byMnemonic.keys.sorted()
        let text = names.joined(separator: " ")
        let source = SourceText(Array(text.utf8))
        var offset = 0
        for name in names {
            let end = offset + name.utf8.count
            #expect(Mnemonics.table.lookup(source, offset, end)?.opcode == Opcode.byMnemonic[name], "\(name)")
            #expect(Mnemonics.table.lookup(source, offset, end - 1)?.opcode != Opcode.byMnemonic[name], "\(name)")
            offset = end + 1
        }
        let misses = SourceText(Array("i32.addx i32.ad i8x16.shuffle_ local.gets".utf8))
        #expect(Mnemonics.table.lookup(misses, 0, 8) == nil)
        #expect(Mnemonics.table.lookup(misses, 9, 15) == nil)
        #expect(Mnemonics.table.lookup(misses, 16, 30) == nil)
        #expect(Mnemonics.table.lookup(misses, 31, 41) == nil)
    }
}
