import ChipSim
import Foundation

/// What `neurite report` reads of a run directory: `summary.json` (required), `provenance.json`,
/// `mapping.json` and `spikes.csv` (each optional). The JSON files are read loosely
/// (``LooseJSON``), so that a report of an `ideal` run, a `cycle` run, an interrupted run or a run
/// of another Neurite version shows what is there; what is missing or unreadable is listed in
/// ``problems`` and said on the page.
public struct RunDirectoryContents {
    public var path: String
    public var summary: LooseJSON
    public var provenance: LooseJSON?
    public var mapping: LooseJSON?
    public var spikes: SpikeTable?
    /// Files that were missing or unreadable, one sentence each.
    public var problems: [String] = []

    /// Reads the directory; throws ``RunError`` when `summary.json` is missing or not JSON,
    /// since without it there is no run to report.
    public init(path: String) throws {
        self.path = path
        let file = { (name: String) in (path as NSString).appendingPathComponent(name) }
        guard let bytes = try? FileAccess.read(file("summary.json")) else {
            throw RunError("'\(path)' is not a run directory: it has no readable summary.json")
        }
        guard let summary = LooseJSON(data: Data(bytes)) else { throw RunError("\(file("summary.json")) is not a JSON object") }
        self.summary = summary
        provenance = Self.json(file("provenance.json"), problems: &problems)
        mapping = Self.json(file("mapping.json"), problems: &problems)
        if let csv = try? FileAccess.read(file("spikes.csv")) {
            spikes = SpikeTable(csv: csv)
        } else {
            problems.append("spikes.csv is missing or unreadable: no raster and no rates over time.")
        }
    }

    private static func json(_ path: String, problems: inout [String]) -> LooseJSON? {
        let name = (path as NSString).lastPathComponent
        guard let bytes = try? FileAccess.read(path) else {
            problems.append("\(name) is missing or unreadable.")
            return nil
        }
        guard let object = LooseJSON(data: Data(bytes)) else {
            problems.append("\(name) is not a JSON object.")
            return nil
        }
        return object
    }

    /// The populations in the mapping's order (the network's), each with its size; those the
    /// mapping lacks follow in name order. Sizes come from the summary.
    public var populations: [(name: String, size: Int)] {
        let sizes = summary.child("populations")?.object.compactMapValues { ($0 as? [String: Any]).flatMap { LooseJSON($0).int("size") } } ?? [:]
        var order = mapping?.children("populations").compactMap { $0.string("name") }.filter { sizes[$0] != nil } ?? []
        order += sizes.keys.filter { !order.contains($0) }.sorted()
        return order.map { ($0, sizes[$0]!) }
    }

    /// Machines with more chips than this are drawn with only the chips the run's files name.
    static let maxChipsDrawn = 600

    /// The machine the run's target names, when it is a built-in one (SpiNN-3, SpiNN-5 and the
    /// triads of SpiNN-5 boards `--target auto` chooses among) of at most ``maxChipsDrawn``
    /// chips; otherwise nil, and the chip maps show the chips the run's files name, in their
    /// bounding box.
    public var machine: MachineDescription? {
        guard let name = summary.string("target") else { return nil }
        let known = ([MachineDescription.spinn3] + MachineDescription.spinn5Machines).first { $0.name == name }
        return known.flatMap { $0.chips.count <= Self.maxChipsDrawn ? $0 : nil }
    }
}
