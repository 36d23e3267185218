import Testing
import DebugInfo
@testable import Debugger

/// Rust enums as rustc 1.63 describes them (`DW_TAG_variant_part`), printed as gdb's Rust printer
/// does (the texts were checked against gdb 13 on the same source built natively).
@Suite struct RustEnumTests {
    @Test func taggedAndNicheLayouts() throws {
        let s = try sessionStopped("rust-enums-O0.wasm", at: "enums.rs", containing: "let total = score(&some_ref)")
        let address = try s.printSource("value").dropFirst("(*mut i32) ".count)
        #expect(address.hasPrefix("0x"))
        let expected: [(String, String)] = [
            // Niche: the null pointer is None.
            ("some_ref", "core::option::Option<&i32>::Some(\(address))"),
            ("no_ref", "core::option::Option<&i32>::None"),
            // Niche: NonZeroU32's zero is None; a tuple struct has a space before its fields.
            ("some_count", "core::option::Option<core::num::nonzero::NonZeroU32>::Some(core::num::nonzero::NonZeroU32 (7))"),
            ("no_count", "core::option::Option<core::num::nonzero::NonZeroU32>::None"),
            // Niche: a bool's spare values (2 for None; Switch's two dataless variants 2 and 3).
            ("some_flag", "core::option::Option<bool>::Some(true)"),
            ("no_flag", "core::option::Option<bool>::None"),
            ("set", "enums::Switch::Set(false)"),
            ("broken", "enums::Switch::Broken"),
            ("nested", "core::option::Option<core::option::Option<bool>>::Some(core::option::Option<bool>::None)"),
            // Tagged: a discriminant of its own beside the data.
            ("some_number", "core::option::Option<u32>::Some(5)"),
            ("no_number", "core::option::Option<u32>::None"),
            ("circle", "enums::Shape::Circle{radius: 2}"),
            ("square", "enums::Shape::Square(4)"),
            ("nothing", "enums::Shape::Nothing"),
            ("reading", "enums::Reading::Celsius(-3)"),
            ("pair", "enums::Reading::Pair(1, 2)"),
            ("missing", "enums::Reading::Missing"),
            ("result", "core::result::Result<u32, i8>::Err(-1)"),
            // A C-like enum is a DW_TAG_enumeration_type.
            ("light", "enums::Light::Amber"),
        ]
        let locals = try s.formattedSourceVariables(arguments: false)
        for (name, text) in expected {
            #expect(try s.printSource(name) == text)
            #expect(locals.contains("\(name) = \(text)"))
        }
        #expect(try s.printSource("reading", format: .hex) == "enums::Reading::Celsius(0xfffd)")
        #expect(try s.printSource("light", format: .decimal) == "1")
        #expect(try s.whatisSource("some_ref") == "type = core::option::Option<&i32>")
        #expect(try s.ptypeSource("circle") == "type = enum enums::Shape {\n  Circle{radius: u32},\n  Square(u32),\n  Nothing,\n}")
        #expect(try s.ptypeSource("core::num::nonzero::NonZeroU32") == "type = struct core::num::nonzero::NonZeroU32 (\n  u32,\n)")
        #expect(throws: DebuggerError("Attempt to take contents of a non-pointer value.")) { try s.printSource("*some_ref") }
    }

    @Test func fieldsOfTheActiveVariant() throws {
        let s = try sessionStopped("rust-enums-O0.wasm", at: "enums.rs", containing: "let total = score(&some_ref)")
        // `.0` after a value is a tuple field, not the float `.0`.
        #expect(try s.printSource("circle.radius") == "2")
        #expect(try s.printSource("square.0") == "4")
        #expect(try s.printSource("pair.1") == "2")
        #expect(try s.printSource("*some_ref.0") == "42")
        #expect(try s.printSource("some_ref.0").hasPrefix("(*mut i32) 0x"))
        #expect(try s.printSource("some_count.0.0") == "7")
        #expect(try s.printSource("reading.0 + 1") == "-2")
        #expect(try s.printSource("2 * .5") == "1")
        // gdb's words when the variant has no such field.
        let errors: [(String, String)] = [
            ("no_ref.0", "Cannot access field 0 of variant core::option::Option<&i32>::None, there are only 0 fields"),
            ("circle.foo", "Could not find field foo of struct variant enums::Shape::Circle"),
            ("circle.0", "Variant enums::Shape::Circle is not a tuple variant"),
            ("square.3", "Cannot access field 3 of variant enums::Shape::Square, there are only 1 fields"),
            ("pair.x", "Attempting to access named field x of tuple variant enums::Reading::Pair, which has only anonymous fields"),
        ]
        for (expression, message) in errors {
            #expect(throws: DebuggerError(message)) { try s.printSource(expression) }
        }
    }

    @Test func corruptedDiscriminants() throws {
        let s = try sessionStopped("rust-enums-O0.wasm", at: "enums.rs", containing: "let total = score(&some_ref)")
        // A tag no variant claims (Shape's variants are 0, 1, 2): said so, nothing invented.
        try s.setSourceVariable("*(unsigned int *)&circle = 7")
        #expect(try s.printSource("circle") == "<invalid enum value>")
        // A niche byte outside None's value is the data variant, holding what memory holds.
        try s.setSourceVariable("*(unsigned char *)&some_flag = 9")
        #expect(try s.printSource("some_flag") == "core::option::Option<bool>::Some(9)")
        try s.setSourceVariable("*(unsigned char *)&some_flag = 2")
        #expect(try s.printSource("some_flag") == "core::option::Option<bool>::None")
    }

    @Test func enumBehindAReference() throws {
        // `shape_size(&square)`: the second call, reached through a `&Shape` parameter.
        let s = try sessionStopped("rust-enums-O0.wasm", at: "enums.rs", containing: "match shape {", hits: 2)
        #expect(try s.printSource("*shape") == "enums::Shape::Square(4)")
        let args = try s.formattedSourceVariables(arguments: true)
        #expect(args.count == 1 && args[0].hasPrefix("shape = 0x"))
    }
}
