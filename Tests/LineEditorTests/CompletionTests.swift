import LineEditor
import Testing

@Suite struct CompletionTests {
    @Test func requestSplitsTheWordUnderTheCursor() {
        let request = CompletionRequest(textBeforeCursor: "info fun")
        #expect(request.precedingWords == ["info"])
        #expect(request.word == "fun")
        let afterSpace = CompletionRequest(textBeforeCursor: "break ")
        #expect(afterSpace.precedingWords == ["break"])
        #expect(afterSpace.word == "")
        let empty = CompletionRequest(textBeforeCursor: "")
        #expect(empty.precedingWords.isEmpty && empty.word.isEmpty)
        let spaced = CompletionRequest(textBeforeCursor: "  info   b")
        #expect(spaced.precedingWords == ["info"] && spaced.word == "b")
    }

    @Test func uniqueMatchIsCompletedWithASpace() {
        #expect(Completion.outcome(word: "bac", candidates: ["backtrace", "break"]) == .insert("ktrace "))
        #expect(Completion.outcome(word: "break", candidates: ["break"]) == .insert(" "))
    }

    @Test func directoryMatchGetsNoSpace() {
        #expect(Completion.outcome(word: "Tes", candidates: ["Tests/"]) == .insert("ts/"))
    }

    @Test func commonPrefixIsInsertedBeforeListing() {
        #expect(Completion.outcome(word: "s", candidates: ["stepi", "step", "show"]) == .list(["show", "step", "stepi"]))
        #expect(Completion.outcome(word: "st", candidates: ["stepi", "step", "start", "starti"]) == .list(["start", "starti", "step", "stepi"]))
        #expect(Completion.outcome(word: "ste", candidates: ["stepi", "step"]) == .insert("p"))
        #expect(Completion.outcome(word: "$f", candidates: ["$fact", "$fact_rec", "$main"]) == .insert("act"))
    }

    @Test func candidatesNotMatchingAreIgnored() {
        #expect(Completion.outcome(word: "zz", candidates: ["break", "step"]) == .noMatch)
        #expect(Completion.outcome(word: "x", candidates: []) == .noMatch)
        #expect(Completion.outcome(word: "b", candidates: ["break", "break", "step"]) == .insert("reak "))
    }

    @Test func commonPrefixWorksOnCharacters() {
        #expect(Completion.commonPrefix(["café", "cafés"]) == "café")
        #expect(Completion.commonPrefix(["abc", "abd", "ab"]) == "ab")
        #expect(Completion.commonPrefix([]) == "")
        #expect(Completion.outcome(word: "ca", candidates: ["café_1", "café_2"]) == .insert("fé_"))
    }

    @Test func listingFillsColumnsDownFirst() {
        let lines = Completion.columns(["a", "b", "c", "d", "e"], width: 9)
        // Each cell is 3 wide; 3 columns fit in 9; 5 items need 2 rows.
        #expect(lines == ["a  c  e", "b  d"])
        #expect(Completion.columns(["long-name"], width: 4) == ["long-name"])
        #expect(Completion.columns([], width: 80).isEmpty)
    }
}
