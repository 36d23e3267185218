import Foundation
import Testing
import WasmCore
@testable import WasmText

/// WAT → binary → WAT → binary over the spec suite: every valid module is assembled, decoded,
/// printed (flat and folded) and assembled again; both binaries must be identical. With
/// `--debug-names` the printed `$ids` must also rebuild the same name section.
@Suite struct PrinterSpecRoundTripTests {
    struct Tally {
        var modules = 0
        var roundTrips = 0
        var identical = 0
        /// Binary modules whose encoding text cannot reproduce (non-minimal LEB128s, empty
        /// sections, custom sections).
        var nonCanonical = 0
        /// Binary modules whose second binary differs from the source (which used an encoding
        /// the text format cannot select: a group of zero locals, a data count nothing needs,
        /// `ref.func` items in expression form) but round-trips exactly from then on.
        var binaryTextFixpoints = 0
        var failures: [String] = []
    }

    @Test func specModulesRoundTripThroughThePrinter() throws {
        let scripts = SpecSuite.scripts
        guard !scripts.isEmpty else {
            Issue.record("missing prerequisite: spec test suite not found (expected ../shared/testsuite) (Scripts/setup.sh installs it)")
            return
        }
        var tally = Tally()
        for url in scripts {
            guard let text = SpecSuite.read(url) else { continue }
            let directives: [WastDirective]
            do {
                directives = try WastParser.parse(text, file: url.path)
            } catch {
                tally.failures.append("\(SpecSuite.shortName(url)): script does not parse: \(error)")
                continue
            }
            for directive in directives {
                guard let (module, expectation) = directive.command.moduleAndExpectation,
                      expectation == .valid else { continue }
                tally.modules += 1
                roundTrip(module, tally: &tally)
            }
        }
        print("printer round trip: \(tally.modules) valid spec modules, \(tally.identical)/\(tally.roundTrips) round trips identical (flat and folded, with and without names); binary-format modules: \(tally.nonCanonical) left out (non-minimal encodings, custom sections), \(tally.binaryTextFixpoints) round trips normalised to the assembler's encoding, then exact")
        #expect(tally.modules > 1000)
        #expect(tally.failures.isEmpty, "\(tally.failures.count) failures; first: \(tally.failures.prefix(5).joined(separator: "\n"))")
    }

    func roundTrip(_ module: WastModule, tally: inout Tally) {
        let place = "\(SpecSuite.shortName(URL(fileURLWithPath: module.location.file))):\(module.location.line)"
        var variants: [Bool] = [false, true]  // debug names off / on
        var isBinary = false
        if case .binary(let bytes) = module.source {
            isBinary = true
            // A binary module is its own first binary; only canonical encodings can come back.
            // The encoder keeps empty sections the source had (from `sectionLocations`); text
            // cannot, so judge canonical form without them. Custom sections other than `name`
            // have no text form either.
            guard var decoded = try? BinaryDecoder.decode(bytes) else {
                tally.nonCanonical += 1
                return
            }
            decoded.sectionLocations = []
            guard BinaryEncoder.encode(decoded) == bytes,
                  decoded.customSections.allSatisfy({ $0.name == "name" }) else {
                tally.nonCanonical += 1
                return
            }
            variants = [decoded.customSections.contains { $0.name == "name" }]
        }
        for debugNames in variants {
            let options = WatAssembler.Options(validate: false, debugNames: debugNames)
            let first: [UInt8]
            do {
                first = try WatAssembler.assemble(module, options: options).bytes
            } catch {
                tally.failures.append("\(place): does not assemble: \(error)")
                return
            }
            let decoded: Module
            do {
                decoded = try BinaryDecoder.decode(first)
            } catch {
                tally.failures.append("\(place): assembled binary does not decode: \(error)")
                return
            }
            for folded in [false, true] {
                tally.roundTrips += 1
                let printed = WatPrinter.print(decoded, folded: folded)
                do {
                    let second = try WatAssembler.assemble(printed, file: "printed.wat", options: options).bytes
                    if second == first {
                        tally.identical += 1
                    } else if isBinary, let again = try? BinaryDecoder.decode(second),
                              let third = try? WatAssembler.assemble(WatPrinter.print(again, folded: folded),
                                                                     file: "printed.wat", options: options).bytes,
                              third == second {
                        // Normalised once, the module then round-trips exactly.
                        tally.binaryTextFixpoints += 1
                    } else {
                        tally.failures.append("\(place): different bytes (folded: \(folded), names: \(debugNames))")
                    }
                } catch {
                    tally.failures.append("\(place): printed text does not assemble (folded: \(folded)): \(error)\n\(printed)")
                }
            }
        }
    }
}
