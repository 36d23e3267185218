/// What the validator needs to know about a module, computed once per module so that checking a
/// function body mostly reads flat arrays.
///
/// Types on the operand stack are `TypeCode`s (UInt32): numbers, vectors and nullable
/// abstract references use their one-byte binary encoding (0x7F = i32, 0x70 = funcref, …),
/// every other reference type is interned to a code from `firstInternedCode` on, and
/// `unknownType` (0) is the "any type" that the polymorphic stack yields after `unreachable`,
/// `br`, `return`, …. Equal codes are equal types, so the common check is one comparison;
/// only differing reference codes go through subtyping (TypeRelations.swift).

typealias TypeCode = UInt32

/// The code used on the validator's operand stack for a value of unknown type.
let unknownType: TypeCode = 0
/// A reference of unknown type (what `ref.as_non_null` makes of an unknown operand): a
/// subtype of every reference type, but not a number.
let bottomReference: TypeCode = 1
let firstInternedCode: TypeCode = 0x100

extension ValueType {
    /// The stack code of a type that has a one-byte encoding.
    var fixedCode: TypeCode? { shortByte.map { TypeCode($0) } }
}

let i32Code = TypeCode(0x7F)
let i64Code = TypeCode(0x7E)
let f32Code = TypeCode(0x7D)
let f64Code = TypeCode(0x7C)
let v128Code = TypeCode(0x7B)
let funcrefCode = TypeCode(0x70)
let externrefCode = TypeCode(0x6F)

/// A run of value types inside `ValidationContext.typePool`.
struct TypeRange: Equatable {
    var start: Int32
    var count: Int32

    static let empty = TypeRange(start: 0, count: 0)
}

/// How the body checker handles an opcode.
enum OperatorKind: UInt8 {
    /// Pops `params`, pushes `results`; no immediate to check.
    case plain
    /// A load or store: memory must exist, alignment at most natural.
    case memory
    /// A SIMD load/store of one lane: as `memory`, plus a lane index.
    case memoryLane
    /// A SIMD lane instruction: lane index below the lane count.
    case lane
    /// Typed by hand in `FunctionValidator.checkSpecial`.
    case special
}

/// The fixed typing of one opcode, flattened from `OpcodeInfo`.
struct OperatorShape {
    var kind: OperatorKind = .special
    var paramCount: UInt8 = 0
    var param0: TypeCode = 0
    var param1: TypeCode = 0
    var param2: TypeCode = 0
    var resultCount: UInt8 = 0
    var result: TypeCode = 0
    /// log2 of the natural alignment, for memory accesses.
    var maxAlignExponent: UInt8 = 0
    var laneCount: UInt8 = 0

    /// One shape per `Opcode` raw value, derived from the generated instruction table.
    static let table: [OperatorShape] = Opcode.allCases.map(OperatorShape.init(opcode:))

    init(opcode: Opcode) {
        let info = opcode.info
        guard let signature = info.signature, signature.params.count <= 3, signature.results.count <= 1
        else { return }
        switch info.immediate {
        case .none, .i32, .i64, .f32, .f64, .v128: kind = .plain
        case .memarg: kind = .memory
        case .memlane: kind = .memoryLane
        case .lane: kind = .lane
        default: kind = .special  // indices to check (memory.size, table.size, ref.func, bulk ops, shuffle)
        }
        // Fixed signatures only use types with a one-byte code (the generator checks).
        let params = signature.params.map { $0.fixedCode ?? unknownType }
        paramCount = UInt8(params.count)
        if params.count > 0 { param0 = params[0] }
        if params.count > 1 { param1 = params[1] }
        if params.count > 2 { param2 = params[2] }
        resultCount = UInt8(signature.results.count)
        if let r = signature.results.first { result = r.fixedCode ?? unknownType }
        var exponent: UInt8 = 0
        while exponent < 8 && (1 << exponent) < Int(info.naturalAlignment) { exponent += 1 }
        maxAlignExponent = exponent
        laneCount = info.laneCount
    }
}

/// The module's index spaces in the flat form the body checker reads.
struct ValidationContext {
    let features: Features
    /// The type section, with each type's canonical identity (iso-recursive equivalence).
    var definitions: [SubType] = []
    var canonicalIDs: [Int] = []

    /// Every function type's params and results, back to back, then one entry per value type
    /// (for single-result block types).
    var typePool: [TypeCode] = []
    var typeParams: [TypeRange] = []
    var typeResults: [TypeRange] = []
    /// Whether each type index is a function type.
    var isFunctionType: [Bool] = []

    /// Reference types with interned codes, by `code - firstInternedCode`.
    var internedTypes: [RefType] = []
    var internedCodes: [RefType: TypeCode] = [:]

    /// Type index of every function in the function index space (already checked in range).
    var functionTypes: [UInt32] = []
    /// Element type of every table in the table index space, and its address type code.
    var tableElementTypes: [TypeCode] = []
    var tableAddressTypes: [TypeCode] = []
    /// Address type code (i32 or i64) of every memory.
    var memoryAddressTypes: [TypeCode] = []
    var memoryCount: Int { memoryAddressTypes.count }
    /// Value type and mutability of every global in the global index space.
    var globalTypes: [TypeCode] = []
    var globalMutable: [Bool] = []
    var importedGlobalCount = 0
    /// Type index of every tag in the tag index space.
    var tagTypes: [UInt32] = []
    /// Reference type of every element segment.
    var elementTypes: [TypeCode] = []
    var dataSegmentCount = 0
    /// Functions that `ref.func` may name inside bodies: referenced from exports, element
    /// segments or global initializers (spec: C.refs).
    var declaredFunctions: [Bool] = []

    var typeCount: Int { definitions.count }

    init(features: Features = .default) {
        self.features = features
    }

    /// Builds the context. The caller has already checked that every type index used by an
    /// import, function or tag is in range and names a function type.
    init(_ module: Module, features: Features, canonicalIDs: [Int]) {
        self.features = features
        definitions = module.typeDefinitions
        self.canonicalIDs = canonicalIDs
        for definition in definitions {
            let f = definition.functionType ?? FuncType()
            isFunctionType.append(definition.functionType != nil)
            typeParams.append(append(f.params))
            typeResults.append(append(f.results))
        }
        functionTypes.reserveCapacity(module.functionCount)
        for entry in module.imports {
            switch entry.descriptor {
            case .function(let typeIndex): functionTypes.append(typeIndex)
            case .table(let table): addTable(table)
            case .memory(let memory): memoryAddressTypes.append(memory.addressType == .i64 ? i64Code : i32Code)
            case .global(let global):
                globalTypes.append(code(global.valueType))
                globalMutable.append(global.isMutable)
                importedGlobalCount += 1
            case .tag(let tag): tagTypes.append(tag.typeIndex)
            }
        }
        for function in module.functions { functionTypes.append(function.typeIndex) }
        for table in module.tables { addTable(table) }
        for memory in module.memories { memoryAddressTypes.append(memory.addressType == .i64 ? i64Code : i32Code) }
        for tag in module.tags { tagTypes.append(tag.typeIndex) }
        for global in module.globals {
            globalTypes.append(code(global.type.valueType))
            globalMutable.append(global.type.isMutable)
        }
        elementTypes = module.elements.map { code(.ref($0.type)) }
        dataSegmentCount = module.data.count
        declaredFunctions = ValidationContext.declaredFunctionReferences(in: module)
    }

    private mutating func addTable(_ table: TableType) {
        tableElementTypes.append(code(.ref(table.elementType)))
        tableAddressTypes.append(table.addressType == .i64 ? i64Code : i32Code)
    }

    mutating func append(_ types: [ValueType]) -> TypeRange {
        let range = TypeRange(start: Int32(truncatingIfNeeded: typePool.count),
                              count: Int32(truncatingIfNeeded: types.count))
        for t in types { typePool.append(code(t)) }
        return range
    }

    /// Ranges of one type, made once per type (single-result block types, tag payloads).
    var singleRanges: [TypeCode: TypeRange] = [:]

    mutating func single(_ code: TypeCode) -> TypeRange {
        if let range = singleRanges[code] { return range }
        let range = append(codes: [code])
        singleRanges[code] = range
        return range
    }

    /// A range holding exactly `codes` (appended to the pool).
    mutating func append(codes: [TypeCode]) -> TypeRange {
        let range = TypeRange(start: Int32(truncatingIfNeeded: typePool.count),
                              count: Int32(truncatingIfNeeded: codes.count))
        typePool.append(contentsOf: codes)
        return range
    }

    // MARK: codes

    mutating func code(_ type: ValueType) -> TypeCode {
        if let fixed = type.fixedCode { return fixed }
        guard case .ref(let r) = type else { return unknownType }
        return code(r)
    }

    mutating func code(_ type: RefType) -> TypeCode {
        if type.isNullable, case .abstract(let a) = type.heapType { return TypeCode(a.rawValue) }
        if let existing = internedCodes[type] { return existing }
        let new = firstInternedCode + TypeCode(internedTypes.count)
        internedTypes.append(type)
        internedCodes[type] = new
        return new
    }

    /// The reference type of a code, nil for numbers, vectors and the unknown type.
    func refType(_ code: TypeCode) -> RefType? {
        if code >= firstInternedCode {
            let i = Int(code - firstInternedCode)
            return i < internedTypes.count ? internedTypes[i] : nil
        }
        if code <= 0xFF, let a = AbstractHeapType(rawValue: UInt8(code)) { return RefType(nullable: true, .abstract(a)) }
        return nil
    }

    func isReference(_ code: TypeCode) -> Bool {
        code == bottomReference || refType(code) != nil
    }

    func valueType(_ code: TypeCode) -> ValueType? {
        switch code {
        case i32Code: .i32
        case i64Code: .i64
        case f32Code: .f32
        case f64Code: .f64
        case v128Code: .v128
        default: refType(code).map { .ref($0) }
        }
    }

    /// Text for a stack type in messages.
    func name(_ code: TypeCode) -> String {
        if code == unknownType { return "any" }
        if code == bottomReference { return "(ref bot)" }
        return valueType(code)?.description ?? "type \(code)"
    }

    /// `[i32 f64]` for messages.
    func listName(_ codes: some Sequence<TypeCode>) -> String {
        "[" + codes.map { name($0) }.joined(separator: " ") + "]"
    }

    /// The spec's C.refs: function indices that occur outside function bodies.
    static func declaredFunctionReferences(in module: Module) -> [Bool] {
        var declared = [Bool](repeating: false, count: module.functionCount)
        func mark(_ index: UInt32) {
            if Int(index) < declared.count { declared[Int(index)] = true }
        }
        func mark(_ expression: Expression) {
            for instruction in expression.instructions where instruction.opcode == .refFunc {
                if case .index(let f) = instruction.immediate { mark(f) }
            }
        }
        for export in module.exports where export.kind == .function { mark(export.index) }
        for global in module.globals { mark(global.initializer) }
        for table in module.tables { if let initializer = table.initializer { mark(initializer) } }
        for segment in module.elements {
            if case .active(_, let offset) = segment.mode { mark(offset) }
            switch segment.items {
            case .functions(let indices): for f in indices { mark(f) }
            case .expressions(let expressions): for e in expressions { mark(e) }
            }
        }
        for segment in module.data {
            if case .active(_, let offset) = segment.mode { mark(offset) }
        }
        return declared
    }
}
