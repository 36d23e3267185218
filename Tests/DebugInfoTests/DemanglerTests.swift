import Testing
@testable import DebugInfo

/// Expected names were checked with llvm-cxxfilt-14 (which keeps legacy Rust hashes; we drop them).
@Suite struct DemanglerTests {
    static let rustV0: [(String, String)] = [
        ("_RINvNtCs6IL9ONYDOZW_4core3mem11size_of_valShECsiMHlYZ2SGil_2v0", "core::mem::size_of_val::<[u8]>"),
        ("_RINvNtCsiMHlYZ2SGil_2v05panic4findReEB4_", "v0::panic::find::<&str>"),
        ("_RINvNtCsiMHlYZ2SGil_2v05panic4findxEB4_", "v0::panic::find::<i64>"),
        ("_RINvNtNtCs6IL9ONYDOZW_4core3ptr8metadata14from_raw_partshECsiMHlYZ2SGil_2v0", "core::ptr::metadata::from_raw_parts::<u8>"),
        ("_RINvNtNtCs6IL9ONYDOZW_4core3ptr8metadata18from_raw_parts_muthECsiMHlYZ2SGil_2v0", "core::ptr::metadata::from_raw_parts_mut::<u8>"),
        ("_RINvXs2L_NtNtCs6IL9ONYDOZW_4core5slice4iterINtB7_4IterReENtNtNtNtBb_4iter6traits8iterator8Iterator8positionNCINvNtCsiMHlYZ2SGil_2v05panic4findBQ_E0EB1O_", "<core::slice::iter::Iter<&str> as core::iter::traits::iterator::Iterator>::position::<v0::panic::find<&str>::{closure#0}>"),
        ("_RINvXs2L_NtNtCs6IL9ONYDOZW_4core5slice4iterINtB7_4IterxENtNtNtNtBb_4iter6traits8iterator8Iterator8positionNCINvNtCsiMHlYZ2SGil_2v05panic4findxE0EB1N_", "<core::slice::iter::Iter<i64> as core::iter::traits::iterator::Iterator>::position::<v0::panic::find<i64>::{closure#0}>"),
        ("_RNCINvNtCsiMHlYZ2SGil_2v05panic4findReE0B6_", "v0::panic::find::<&str>::{closure#0}"),
        ("_RNCINvNtCsiMHlYZ2SGil_2v05panic4findxE0B6_", "v0::panic::find::<i64>::{closure#0}"),
        ("_RNCNvCsiMHlYZ2SGil_2v03run0B3_", "v0::run::{closure#0}"),
        ("_RNvCsiMHlYZ2SGil_2v03run", "v0::run"),
        ("_RNvMCsiMHlYZ2SGil_2v0INtB2_1WmE3getB2_", "<v0::W<u32>>::get"),
        ("_RNvMNtCs6IL9ONYDOZW_4core3stre3lenCsiMHlYZ2SGil_2v0", "<str>::len"),
        ("_RNvMNtCs6IL9ONYDOZW_4core5sliceSRe4iterCsiMHlYZ2SGil_2v0", "<[&str]>::iter"),
        ("_RNvMNtCs6IL9ONYDOZW_4core5sliceSRe6as_ptrCsiMHlYZ2SGil_2v0", "<[&str]>::as_ptr"),
        ("_RNvMNtCs6IL9ONYDOZW_4core5sliceSh6as_ptrCsiMHlYZ2SGil_2v0", "<[u8]>::as_ptr"),
        ("_RNvMNtCs6IL9ONYDOZW_4core5sliceSx4iterCsiMHlYZ2SGil_2v0", "<[i64]>::iter"),
        ("_RNvMNtCs6IL9ONYDOZW_4core5sliceSx6as_ptrCsiMHlYZ2SGil_2v0", "<[i64]>::as_ptr"),
        ("_RNvMNtCs6IL9ONYDOZW_4core6optionINtB2_6OptionjE9unwrap_orCsiMHlYZ2SGil_2v0", "<core::option::Option<usize>>::unwrap_or"),
        ("_RNvMNtNtCs6IL9ONYDOZW_4core3ptr7mut_ptrORe4addrCsiMHlYZ2SGil_2v0", "<*mut &str>::addr"),
        ("_RINvCs4obIKWlKbFN_3v0b1gAhj4_EB2_", "v0b::g::<[u8; 4]>"),
        ("_RINvCs4obIKWlKbFN_3v0b1gFEjEB2_", "v0b::g::<fn() -> usize>"),
        ("_RINvCs4obIKWlKbFN_3v0b1gPyEB2_", "v0b::g::<*const u64>"),
        ("_RINvCs4obIKWlKbFN_3v0b1gQtEB2_", "v0b::g::<&mut u16>"),
        ("_RINvCs4obIKWlKbFN_3v0b1gRDNtB2_2TrEL_EB2_", "v0b::g::<&dyn v0b::Tr>"),
        ("_RINvCs4obIKWlKbFN_3v0b1gReEB2_", "v0b::g::<&str>"),
        ("_RINvCs4obIKWlKbFN_3v0b1gTlcEEB2_", "v0b::g::<(i32, char)>"),
        ("_RINvCs4obIKWlKbFN_3v0b1gbEB2_", "v0b::g::<bool>"),
        ("_RINvCs4obIKWlKbFN_3v0b1gfEB2_", "v0b::g::<f32>"),
        ("_RINvCs4obIKWlKbFN_3v0b1gnEB2_", "v0b::g::<i128>"),
        ("_RINvCs4obIKWlKbFN_3v0b1guEB2_", "v0b::g::<()>"),
        ("_RINvCs4obIKWlKbFN_3v0b1hKj7_EB2_", "v0b::h::<7>"),
        ("_RINvNtCs6IL9ONYDOZW_4core3ptr13drop_in_placehECs4obIKWlKbFN_3v0b", "core::ptr::drop_in_place::<u8>"),
        ("_RNvCs4obIKWlKbFN_3v0b3run", "v0b::run"),
        ("_RNvYhNtCs4obIKWlKbFN_3v0b2Tr1mB5_", "<u8 as v0b::Tr>::m"),
    ]

    @Test func rustV0() {
        for (mangled, expected) in Self.rustV0 {
            #expect(Demangler.demangle(mangled) == expected, "\(mangled)")
        }
        // A closure inside a generic function, in a trait impl's generic argument.
        #expect(Demangler.demangle("_RNCNvCsiMHlYZ2SGil_2v03run0B3_") == "v0::run::{closure#0}")
    }

    /// Non-ASCII identifiers are Punycode (`u` before the length; `_` ends the ASCII part).
    /// Expected names: Python's punycode codec made the symbols, llvm-cxxfilt-14 read them.
    @Test func rustV0Punycode() {
        let cases = [("_RNvC7mycrateu9Zrich_kva", "mycrate::Zürich"), ("_RNvC7mycrateu11ibbu8v98tvd", "mycrate::ఱאొմվ"),
                     ("_RNvC7mycrateu7caf_dma", "mycrate::café"), ("_RNvC7mycrateu10wgv71a119e", "mycrate::日本語"),
                     ("_RNvC7mycrateu13ber_alles_p9a", "mycrate::über_alles"), ("_RNvC7mycrateu9nave2_dta", "mycrate::naïve2"),
                     // No delimiter: every letter is a delta (llvm-cxxfilt agrees).
                     ("_RNvCu7mycrate3foo", "൯൵൴൯൦::foo")]
        for (mangled, expected) in cases {
            #expect(Demangler.demangle(mangled) == expected, "\(mangled)")
        }
        // Deltas that overflow or leave Unicode end the decoding, they do not trap.
        #expect(Demangler.demangle("_RNvC7mycrateu20zzzzzzzzzzzzzzzzzzzz") == nil)
        #expect(RustV0Demangler.punycode(Array("a_99999999999".utf8)) == nil)
    }

    @Test func rustV0Malformed() {
        for bad in ["_R", "_RX", "_RNvC", "_RNvCs1234_7mycrate", "_RINvC3fooE", "_RB_", "_RB0_", 
                    "_RNvC7mycrateu3a_!", "_R1NvC3foo3bar", "_RIC3fooAhKj", "_RINvC3foo1gKhzz_E"] {
            #expect(Demangler.demangle(bad) == nil, "\(bad) -> \(String(describing: Demangler.demangle(bad)))")
        }
        // What follows the path is the instantiating crate (here a back reference): not printed.
        #expect(Demangler.demangle("_RNvC3foo3barB_") == "foo::bar")
        // A back reference to itself and deep nesting end, they do not loop or overflow.
        #expect(Demangler.demangle("_RINvCs0_3fooB2_E") == nil)
        let deep = "_R" + String(repeating: "INv", count: 5000) + "C3foo"
        #expect(Demangler.demangle(deep) == nil)
        let deepTypes = "_RINvC3foo1g" + String(repeating: "R", count: 5000) + "hEE"
        #expect(Demangler.demangle(deepTypes) == nil)
    }

    @Test func legacyRust() {
        #expect(Demangler.demangle("_ZN9inventory5panic4find17haa8d1de9ca3b0494E") == "inventory::panic::find")
        #expect(Demangler.demangle("_ZN110_$LT$core..iter..adapters..enumerate..Enumerate$LT$I$GT$$u20$as$u20$core..iter..traits..iterator..Iterator$GT$4next17he88d088984958629E")
                == "<core::iter::adapters::enumerate::Enumerate<I> as core::iter::traits::iterator::Iterator>::next")
        #expect(Demangler.demangle("_ZN4core3ptr7mut_ptr31_$LT$impl$u20$$BP$mut$u20$T$GT$6offset17h0b2cfb9aa2b01756E")
                == "core::ptr::mut_ptr::<impl *mut T>::offset")
        #expect(Demangler.demangle("_ZN45_$LT$f64$u20$as$u20$core..ops..arith..Mul$GT$3mul17h10130e76d0b96d7fE") == "<f64 as core::ops::arith::Mul>::mul")
        #expect(Demangler.demangle("_ZN3foo17h0123456789abcdefE") == "foo")
        #expect(Demangler.demangle("_ZN3foo$u7b$$u7b$closure$u7d$$u7d$17h0123456789abcdefE") == nil)
        #expect(Demangler.demangle("_ZN30foo$u7b$$u7b$closure$u7d$$u7d$17h0123456789abcdefE") == "foo{{closure}}")
    }

    @Test func itanium() {
        #expect(Demangler.demangle("_ZNK3geo4Rect4areaEv") == "geo::Rect::area() const")
        #expect(Demangler.demangle("_ZN3geo4Rect4growERKi") == "geo::Rect::grow(int const&)")
        #expect(Demangler.demangle("_ZN3geo7largestIiEET_PKS1_m") == "int geo::largest<int>(int const*, unsigned long)")
        #expect(Demangler.demangle("_ZN3geo4RectC2ENS_5PointEii") == "geo::Rect::Rect(geo::Point, int, int)")
        // Not mangled, or not valid.
        #expect(Demangler.demangle("main") == nil)
        #expect(Demangler.demangle("_Z") == nil)
        #expect(Demangler.demangle("_ZN3geo") == nil)
        #expect(Demangler.demangle("") == nil)
        #expect(Demangler.demangle("_Z" + String(repeating: "P", count: 10_000) + "v") == nil)
    }

    @Test func fixtureLinkageNames() throws {
        let rust = try Fixture.debugInfo("rust-O0.wasm")
        let find = try #require(rust.functions(named: "panic::find").first?.linkageName)
        #expect(Demangler.demangle(find) == "inventory::panic::find")
        let cpp = try Fixture.debugInfo("cpp-O0-dwarf5.wasm")
        let area = try #require(cpp.functions(named: "Rect::area").first?.linkageName)
        #expect(Demangler.demangle(area) == "geo::Rect::area() const")
    }
}
