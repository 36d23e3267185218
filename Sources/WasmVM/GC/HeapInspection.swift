import WasmCore

/// A struct or array as the debugger shows it: its type (with the name section's names of the
/// module that asked, when it has the type) and its fields or first elements.
public struct HeapObjectView: Sendable {
    /// The type index in the module whose names are used (nil: none of that module's types).
    public var typeIndex: UInt32?
    /// Whether `typeIndex` is the asking module's (else it is the module's that first defined
    /// the type, and only its names are known).
    public var isAskingModulesType = true
    /// The name section's name of the type, without `$` (nil when it has none).
    public var typeName: String?
    public var isArray: Bool
    /// The number of elements of an array (0 for a struct).
    public var length: Int
    /// Field names of a struct (nil where the name section has none).
    public var fieldNames: [String?]
    /// A struct's fields, or the elements of an array from `firstElement` on.
    public var values: [Value]
    public var firstElement: Int
}

extension Store {
    /// The object `object`, named after `module`'s types when it has the object's type (or after
    /// the module that first defined it), with at most `elementLimit` elements from `start`.
    func inspect(_ object: GCObject, names module: Module?, typeIDs: [UInt32], elementLimit: Int, start: Int = 0) -> HeapObjectView? {
        guard object.heap == ObjectIdentifier(heap), let block = heap.block(object.id),
              Int(object.typeID) < types.definitions.count else { return nil }
        let header = heap.header(block).pointee
        let definition = types.definitions[Int(header.typeID)]
        var typeIndex = typeIDs.firstIndex(of: header.typeID).map { UInt32($0) }
        var typeName = typeIndex.flatMap { module?.names.typeNames[$0] }
        var fieldNames = typeIndex.flatMap { module?.names.fieldNames[$0] } ?? [:]
        let own = typeIndex != nil
        if typeIndex == nil, let origin = definition.origin {
            typeIndex = UInt32(origin.index)
            typeName = origin.name
            fieldNames = origin.fieldNames
        }
        var view = HeapObjectView(typeIndex: typeIndex, isAskingModulesType: own, typeName: typeName,
                                  isArray: false, length: 0, fieldNames: [], values: [], firstElement: 0)
        let payload = heap.payload(block)
        func read(_ storage: StorageType, at p: UnsafeRawPointer) -> Value {
            var slots: (UInt64, UInt64) = (0, 0)
            return withUnsafeMutablePointer(to: &slots) { s in
                s.withMemoryRebound(to: UInt64.self, capacity: 2) { raw in
                    FieldAccess.read(storage, from: p, to: raw, signed: false)
                    return loadValue(storage.unpacked, from: raw, module: nil)
                }
            }
        }
        switch definition.composite {
        case .structure(let fields):
            for (i, field) in fields.enumerated() {
                view.fieldNames.append(fieldNames[UInt32(i)])
                view.values.append(read(field.storage, at: payload + definition.fieldOffsets[i]))
            }
        case .array(let element):
            view.isArray = true
            view.length = Int(header.length)
            view.firstElement = min(max(start, 0), view.length)
            let end = min(view.length, view.firstElement + max(elementLimit, 0))
            for i in view.firstElement..<end {
                view.values.append(read(element.storage, at: payload + i * definition.payloadSize))
            }
        case .function:
            return nil
        }
        return view
    }
}

extension Debuggee {
    /// A struct's fields or an array's first `elementLimit` elements (from `start`), with the
    /// debugged module's type and field names. Nil when the object no longer exists (it
    /// cannot while a `Value` holds it).
    public func inspect(_ object: GCObject, elementLimit: Int = 10, start: Int = 0) -> HeapObjectView? {
        let instance = store.instances[instanceIndex]
        return store.inspect(object, names: instance.module, typeIDs: instance.typeIDs, elementLimit: elementLimit, start: start)
    }

    /// The debugged module's index of store type `typeID`, if it has that type.
    public func typeIndex(ofStoreType typeID: UInt32) -> UInt32? {
        store.instances[instanceIndex].typeIDs.firstIndex(of: typeID).map { UInt32($0) }
    }

    /// Runs the collector now (the debugger's `gc` command).
    public func collectGarbage() { store.collectGarbage(running: nil) }

    public var gcStatistics: GCStatistics {
        let h = store.heap
        return GCStatistics(liveObjects: h.liveObjects, liveBytes: h.liveBytes, peakBytes: h.peakBytes,
                            collections: h.collections, allocatedObjects: h.allocatedObjects, pinnedObjects: h.pinnedCount)
    }
}
