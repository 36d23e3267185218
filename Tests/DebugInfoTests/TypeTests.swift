import Testing
@testable import DebugInfo

@Suite struct TypeTests {
    static let cFixtures = ["c-O0-dwarf4.wasm", "c-O0-dwarf5.wasm", "c-O2-dwarf4.wasm", "c-O2-dwarf5.wasm"]

    @Test func cStructBodies() throws {
        for fixture in Self.cFixtures {
            let info = try Fixture.debugInfo(fixture)
            #expect(info.type(named: "struct point").map(ptypeText) == "struct point {\n    int x;\n    int y;\n}")
            // ptype resolves a typedef to its body; whatis keeps the name.
            #expect(info.type(named: "point_t").map(ptypeText) == "struct point {\n    int x;\n    int y;\n}")
            #expect(info.type(named: "point_t").map(typeName) == "point_t")
            #expect(info.type(named: "union number").map(ptypeText) == "union number {\n    int i;\n    float f;\n    unsigned char bytes[4];\n}")
            #expect(info.type(named: "enum color").map(ptypeText) == "enum color {RED, GREEN = 5, BLUE}")
            #expect(info.type(named: "struct flags").map(ptypeText) == """
                struct flags {
                    unsigned int ready : 1;
                    unsigned int mode : 3;
                    unsigned int count : 12;
                    int sign : 4;
                }
                """)
            #expect(info.type(named: "struct shape").map(ptypeText) == """
                struct shape {
                    enum color color;
                    point_t corners[4];
                    char label[16];
                    const char *title;
                    union number weight;
                    struct flags flags;
                    binary_op op;
                }
                """)
            #expect(info.type(named: "struct node").map(ptypeText) == "struct node {\n    int value;\n    struct node *next;\n}")
            #expect(info.type(named: "struct point *").map(ptypeText) == "struct point {\n    int x;\n    int y;\n} *")
        }
    }

    @Test func cSpellingsAsWhatis() throws {
        let info = try Fixture.debugInfo("c-O0-dwarf5.wasm")
        let shape = try #require(info.type(named: "struct shape"))
        let spelled = Dictionary(uniqueKeysWithValues: shape.members.map { ($0.name ?? "", $0.type.map(typeName) ?? "?") })
        #expect(spelled == ["color": "enum color", "corners": "point_t [4]", "label": "char [16]", "title": "const char *",
                            "weight": "union number", "flags": "struct flags", "op": "binary_op"])
        #expect(info.type(named: "binary_op")?.target.map(typeName) == "int (*)(int, int)")
        #expect(info.type(named: "binary_op")?.target?.target.map(typeName) == "int (int, int)")
        #expect(info.type(named: "struct point *").map(typeName) == "struct point *")
        #expect(info.type(named: "char **").map(typeName) == "char **")
        #expect(info.type(named: "void *").map(typeName) == "void *")
        #expect(info.type(named: "int").map { ($0.kind, $0.byteSize) } ?? (.unspecified, nil) == (.base(.signed), 4))
        #expect(info.type(named: "unsigned long long")?.byteSize == 8)
        #expect(info.type(named: "struct nosuch") == nil)
        #expect(info.type(named: "") == nil)
        // A function's type: unprototyped vs (void).
        let main = try #require(info.functions(named: "main").first)
        #expect(main.name == "main")
    }

    @Test func memberOffsetsAndBitFieldsInBothVersions() throws {
        // DWARF 4 from clang-14 writes DW_AT_bit_offset (from the most significant bit), DWARF 5
        // DW_AT_data_bit_offset: both must give the same bit positions.
        for fixture in Self.cFixtures {
            let info = try Fixture.debugInfo(fixture)
            let shape = try #require(info.type(named: "struct shape"))
            #expect(shape.byteSize == 68)
            #expect(shape.members.map(\.byteOffset) == [0, 4, 36, 52, 56, 60, 64])
            let flags = try #require(info.type(named: "struct flags"))
            #expect(flags.members.map(\.bitOffset) == [0, 1, 4, 16], "\(fixture)")
            #expect(flags.members.map(\.bitSize) == [1, 3, 12, 4])
            let corners = try #require(shape.members[1].type)
            #expect(corners.kind == .array && corners.dimensions.map(\.count) == [4])
            #expect(corners.target?.stripped.members.map(\.name) == ["x", "y"])
            let color = try #require(info.type(named: "enum color"))
            #expect(color.enumerators == [Enumerator(name: "RED", value: 0), Enumerator(name: "GREEN", value: 5), Enumerator(name: "BLUE", value: 6)])
            #expect(color.byteSize == 4)
            // A struct reaching itself through a pointer is one object: no endless walk.
            let node = try #require(info.type(named: "struct node"))
            #expect(node.members[1].type?.target === node)
        }
    }

    @Test func cPlusPlusClasses() throws {
        for fixture in ["cpp-O0-dwarf4.wasm", "cpp-O0-dwarf5.wasm"] {
            let info = try Fixture.debugInfo(fixture)
            let rect = try #require(info.type(named: "geo::Rect"))
            #expect(info.type(named: "Rect") === rect)
            #expect(info.type(named: "class geo::Rect") === rect)
            #expect(typeName(rect) == "geo::Rect")
            #expect(ptypeText(rect) == """
                class geo::Rect {
                  private:
                    geo::Point origin_;
                    int width_;
                    int height_;

                  public:
                    Rect(geo::Point, int, int);
                    int area(void) const;
                    void grow(const int &);
                    const geo::Point & origin(void) const;
                }
                """, "\(fixture)")
            #expect(info.type(named: "geo::Point").map(ptypeText) == "struct geo::Point {\n    int x;\n    int y;\n}")
            #expect(rect.members.map(\.byteOffset) == [0, 8, 12])
        }
    }

    @Test func rustStructsAndEnums() throws {
        let info = try Fixture.debugInfo("rust-O0.wasm")
        #expect(info.type(named: "inventory::Item").map(ptypeText) == "struct inventory::Item {\n  name: &str,\n  count: u32,\n  price: f64,\n}")
        let shape = try #require(info.type(named: "inventory::Shape"))
        #expect(ptypeText(shape) == "enum inventory::Shape {\n  Circle(f64),\n  Rect{w: u32, h: u32},\n  Empty,\n}")
        let part = try #require(shape.variantPart)
        #expect(part.discriminant?.type.map(typeName) == "u32")
        #expect(part.discriminant?.byteOffset == 0)
        #expect(part.variants.map(\.discriminantValue) == [0, 1, 2])
        #expect(part.variants.map { $0.members.first?.name } == ["Circle", "Rect", "Empty"])
        #expect(shape.byteSize == 16)
        // &str is a struct of a data pointer and a length.
        let str = try #require(info.type(named: "&str"))
        #expect(str.members.map(\.name) == ["data_ptr", "length"])
        #expect(str.members.first?.type.map(typeName) == "*mut u8")
    }
}
