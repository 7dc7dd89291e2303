/// A double-ended queue on a growable ring of storage: the router's queue, port buffers, a
/// core's input buffer and job queue. Capacity limits are the hardware's and are checked by the
/// caller; the storage itself grows as needed.
struct Fifo<Element> {
    private var buffer: [Element]
    private var head = 0
    private(set) var count = 0
    private let filler: Element

    /// `filler` fills unused storage.
    init(filler: Element, capacity: Int = 8) {
        self.filler = filler
        var size = 1
        while size < capacity { size <<= 1 }
        buffer = Array(repeating: filler, count: size)
    }

    var isEmpty: Bool { count == 0 }

    var first: Element? { count > 0 ? buffer[head] : nil }

    /// The element `i` places from the front.
    subscript(i: Int) -> Element {
        buffer[(head + i) & (buffer.count - 1)]
    }

    mutating func append(_ element: Element) {
        if count == buffer.count { grow() }
        buffer[(head + count) & (buffer.count - 1)] = element
        count += 1
    }

    mutating func prepend(_ element: Element) {
        if count == buffer.count { grow() }
        head = (head - 1) & (buffer.count - 1)
        buffer[head] = element
        count += 1
    }

    mutating func popFirst() -> Element? {
        guard count > 0 else { return nil }
        let element = buffer[head]
        head = (head + 1) & (buffer.count - 1)
        count -= 1
        return element
    }

    private mutating func grow() {
        var bigger = Array(repeating: filler, count: buffer.count * 2)
        for i in 0..<count { bigger[i] = self[i] }
        buffer = bigger
        head = 0
    }
}
