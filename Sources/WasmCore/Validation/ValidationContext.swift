/// What the validator needs to know about a module, computed once per module so that checking a
/// function body never walks imports, allocates, or looks anything up in a dictionary.
///
/// Types on the operand stack are single bytes: the `ValueType` raw value, or `unknownType` (0)
/// for the "any type" that the polymorphic stack yields after `unreachable`, `br`, `return`, ….

/// The byte used on the validator's operand stack for a value of unknown type.
let unknownType: UInt8 = 0

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

/// The fixed typing of one opcode, flattened from `OpcodeInfo` into plain bytes.
struct OperatorShape {
    var kind: OperatorKind = .special
    var paramCount: UInt8 = 0
    var param0: UInt8 = 0
    var param1: UInt8 = 0
    var param2: UInt8 = 0
    var resultCount: UInt8 = 0
    var result: UInt8 = 0
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
        let params = signature.params.map(\.rawValue)
        paramCount = UInt8(params.count)
        if params.count > 0 { param0 = params[0] }
        if params.count > 1 { param1 = params[1] }
        if params.count > 2 { param2 = params[2] }
        resultCount = UInt8(signature.results.count)
        if let r = signature.results.first { result = r.rawValue }
        var exponent: UInt8 = 0
        while exponent < 8 && (1 << exponent) < Int(info.naturalAlignment) { exponent += 1 }
        maxAlignExponent = exponent
        laneCount = info.laneCount
    }
}

/// The module's index spaces in the flat form the body checker reads.
struct ValidationContext {
    /// Every function type's params and results, back to back, then one entry per value type
    /// (for single-result block types).
    var typePool: [UInt8] = []
    var typeParams: [TypeRange] = []
    var typeResults: [TypeRange] = []
    /// Where `[t]` sits in `typePool` for each value type t, indexed by raw value.
    var singleValue = [TypeRange](repeating: .empty, count: 256)

    /// Type index of every function in the function index space (already checked in range).
    var functionTypes: [UInt32] = []
    /// Element type (raw) of every table in the table index space.
    var tableElementTypes: [UInt8] = []
    var memoryCount = 0
    /// Value type (raw) and mutability of every global in the global index space.
    var globalTypes: [UInt8] = []
    var globalMutable: [Bool] = []
    var importedGlobalCount = 0
    /// Reference type (raw) of every element segment.
    var elementTypes: [UInt8] = []
    var dataSegmentCount = 0
    /// Functions that `ref.func` may name inside bodies: referenced from exports, element
    /// segments or global initializers (spec: C.refs).
    var declaredFunctions: [Bool] = []

    var typeCount: Int { typeParams.count }

    init() {}

    /// Builds the context. The caller has already checked that every type index used by an
    /// import or function is in range.
    init(_ module: Module) {
        for type in module.types {
            typeParams.append(append(type.params))
            typeResults.append(append(type.results))
        }
        for type in [ValueType.i32, .i64, .f32, .f64, .v128, .funcref, .externref] {
            singleValue[Int(type.rawValue)] = append([type])
        }
        functionTypes.reserveCapacity(module.functionCount)
        for entry in module.imports {
            switch entry.descriptor {
            case .function(let typeIndex): functionTypes.append(typeIndex)
            case .table(let table): tableElementTypes.append(table.elementType.rawValue)
            case .memory: memoryCount += 1
            case .global(let global):
                globalTypes.append(global.valueType.rawValue)
                globalMutable.append(global.isMutable)
                importedGlobalCount += 1
            }
        }
        for function in module.functions { functionTypes.append(function.typeIndex) }
        for table in module.tables { tableElementTypes.append(table.elementType.rawValue) }
        memoryCount += module.memories.count
        for global in module.globals {
            globalTypes.append(global.type.valueType.rawValue)
            globalMutable.append(global.type.isMutable)
        }
        elementTypes = module.elements.map(\.type.rawValue)
        dataSegmentCount = module.data.count
        declaredFunctions = ValidationContext.declaredFunctionReferences(in: module)
    }

    private mutating func append(_ types: [ValueType]) -> TypeRange {
        let range = TypeRange(start: Int32(truncatingIfNeeded: typePool.count),
                              count: Int32(truncatingIfNeeded: types.count))
        typePool.append(contentsOf: types.map(\.rawValue))
        return range
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

/// Text for a stack type byte in messages.
func typeName(_ type: UInt8) -> String {
    if type == unknownType { return "any" }
    return ValueType(rawValue: type)?.description ?? "type 0x\(String(type, radix: 16))"
}

/// `[i32 f64]` for messages.
func typeListName(_ types: some Sequence<UInt8>) -> String {
    "[" + types.map(typeName).joined(separator: " ") + "]"
}
