import ChipSim
import Foundation
@testable import Runtime
import XCTest

/// `ReportPage` against small runs: what the page says must be what the run directory holds.
final class ReportPageTests: XCTestCase {
    static let network = """
    network: report
    seed: 5
    duration: 200
    populations:
      stim: {size: 20, model: SpikeSourceArray, spike_times: [10, 50, 90], record: [spikes]}
      cells: {size: 300, model: IF_curr_exp, record: [spikes], neurons_per_core: 100}
    projections:
      - {pre: stim, post: cells, connector: {type: AllToAllConnector}, synapse: {weight: 1.5, delay: 1}}
      - {pre: cells, post: cells, connector: {type: FixedProbabilityConnector, p_connect: 0.05}, synapse: {weight: -0.2, delay: 1}, receptor: inhibitory}
    """

    func run(timing: Timing) throws -> (dir: String, spikes: Int) {
        let dir = temporaryDirectory()
        let image = try compile(Self.network).image
        var options = RunOptions(outputDirectory: dir, collectSpikes: true)
        options.timing = timing
        let report = try Run.execute(image, options: options)
        return (dir, report.spikes.count)
    }

    func count(_ needle: String, in page: String) -> Int { page.components(separatedBy: needle).count - 1 }

    func testAnIdealRunShowsItsSettingsPopulationsRasterAndChips() throws {
        let (dir, spikes) = try run(timing: .ideal)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        XCTAssertGreaterThan(spikes, 100)
        let page = try ReportPage.html(forRunDirectory: dir)
        XCTAssertTrue(page.hasPrefix("<!DOCTYPE html>"))
        XCTAssertTrue(page.contains("Neurite run: report (ideal timing)"))
        XCTAssertFalse(page.contains("http://") && page.contains("<script src"), "the page loads nothing")
        XCTAssertFalse(page.contains("<link "), "no external style sheets")
        // Every spike is a dot, each population one path: 'M' starts each dot.
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/summary.json"))) as! [String: Any]
        let pops = summary["populations"] as! [String: [String: Any]]
        let recorded = pops.values.map { $0["spikes"] as! Int }.reduce(0, +)
        let dots = page.components(separatedBy: "<path class=\"spikes\" d=\"").dropFirst().map { $0.prefix { $0 != "\"" } }
            .map { $0.filter { $0 == "M" }.count }.reduce(0, +)
        XCTAssertEqual(dots, recorded)
        XCTAssertTrue(page.contains("<td>cells</td><td>300</td>"))
        // SpiNN-5: 48 hexagons per chip map (load and router traffic), 4 cores used on chip 0,0.
        XCTAssertEqual(count("<polygon class=\"chip\"", in: page), 96)
        XCTAssertEqual(count("<rect class=\"core\"", in: page), 4)
        XCTAssertTrue(page.contains("core 0,0,1: "))
        XCTAssertTrue(page.contains("static (chips and cores)"))
        XCTAssertFalse(page.contains("The cycle engine"), "an ideal run has no cycle section")
        XCTAssertTrue(page.contains("No warnings."))
    }

    func testACycleRunAddsBusyFractionsAndTheCopyBalance() throws {
        let (dir, _) = try run(timing: .cycle)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let page = try ReportPage.html(forRunDirectory: dir)
        XCTAssertTrue(page.contains("The cycle engine"))
        XCTAssertTrue(page.contains("Busy fraction per core"))
        XCTAssertTrue(page.contains("<span class=\"ok\">balances</span>"))
        XCTAssertTrue(page.contains("No router dropped a packet."))
        // Load, router traffic and busy fractions; one chip, so no link carried a packet.
        XCTAssertEqual(count("<polygon class=\"chip\"", in: page), 48 * 3)
        XCTAssertFalse(page.contains("<line class=\"link\""))
    }

    /// The chip maps draw the run's machine: SpiNN-3's four chips, the three boards of
    /// `spinn-5x3`; a target the report does not know shows the chips the files name.
    func testTheChipMapsDrawTheRunsMachine() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        _ = try Run.execute(try compile(Self.network, target: .spinn3).image, options: RunOptions(outputDirectory: dir))
        XCTAssertEqual(count("<polygon class=\"chip\"", in: try ReportPage.html(forRunDirectory: dir)), 2 * 4)
        let path = dir + "/summary.json"
        var summary = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
        summary["target"] = "spinn-5x3"
        try JSONSerialization.data(withJSONObject: summary).write(to: URL(fileURLWithPath: path))
        XCTAssertEqual(count("<polygon class=\"chip\"", in: try ReportPage.html(forRunDirectory: dir)), 2 * 144)
        summary["target"] = "my-board.yaml"
        try JSONSerialization.data(withJSONObject: summary).write(to: URL(fileURLWithPath: path))
        XCTAssertEqual(count("<polygon class=\"chip\"", in: try ReportPage.html(forRunDirectory: dir)), 2 * 1)
    }

    /// A cycle run over several chips draws each link that carried packets, with the links'
    /// legend running up to the busiest link's count.
    func testLinkTrafficIsDrawnPerLink() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let yaml = Self.network.replacingOccurrences(of: "neurons_per_core: 100", with: "neurons_per_core: 10")
        var options = RunOptions(outputDirectory: dir)
        options.timing = .cycle
        _ = try Run.execute(try compile(yaml).image, options: options)
        let provenance = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/provenance.json"))) as! [String: Any]
        let links = try XCTUnwrap(provenance["links"] as? [[String: Any]])
        XCTAssertFalse(links.isEmpty, "the network spans several chips")
        let page = try ReportPage.html(forRunDirectory: dir)
        XCTAssertEqual(count("<line class=\"link\"", in: page), links.count)
        let busiest = links.map { $0["packets"] as! Int }.max()!
        XCTAssertTrue(page.contains(">\(SVGText.quantity(Double(busiest)))</text>"), "legend up to \(busiest)")
    }

    func testMissingFilesAreSaidAndTheRestIsShown() throws {
        let (dir, _) = try run(timing: .ideal)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.removeItem(atPath: dir + "/provenance.json")
        try FileManager.default.removeItem(atPath: dir + "/spikes.csv")
        let page = try ReportPage.html(forRunDirectory: dir)
        XCTAssertTrue(page.contains("provenance.json is missing or unreadable."))
        XCTAssertTrue(page.contains("spikes.csv is missing or unreadable"))
        XCTAssertFalse(page.contains("<svg class=\"raster\""))
        XCTAssertFalse(page.contains("<polygon class=\"chip\""))
        XCTAssertTrue(page.contains("<td>cells</td><td>300</td>"))
        try FileManager.default.removeItem(atPath: dir + "/summary.json")
        XCTAssertThrowsError(try ReportPage.html(forRunDirectory: dir)) { error in
            XCTAssertTrue("\(error)".contains("has no readable summary.json"), "\(error)")
        }
    }

    func testTextFromTheRunIsEscaped() throws {
        let (dir, _) = try run(timing: .ideal)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/summary.json"
        var summary = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
        summary["network"] = "<script>alert(1)</script>"
        summary["warnings"] = ["a & b < c"]
        try JSONSerialization.data(withJSONObject: summary).write(to: URL(fileURLWithPath: path))
        let page = try ReportPage.html(forRunDirectory: dir)
        XCTAssertFalse(page.contains("<script>"))
        XCTAssertTrue(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        XCTAssertTrue(page.contains("a &amp; b &lt; c"))
    }

    /// A large run's raster is binned: every spike lands in one bin and the page stays small.
    func testALargeRasterIsBinned() throws {
        var csv = "population,neuron,time_ms\n"
        var expected = 0
        for t in 0..<1000 {
            for n in stride(from: t % 7, to: 5000, by: 97) {
                csv += "exc,\(n),\(t).0\n"
                expected += 1
            }
        }
        let spikes = SpikeTable(csv: Array(csv.utf8))
        XCTAssertEqual(spikes.count, expected)
        XCTAssertEqual(spikes.skippedRows, 1)
        let contents = try makeRun(spikes: csv)
        defer { try? FileManager.default.removeItem(atPath: contents) }
        let page = try ReportPage.html(forRunDirectory: contents)
        XCTAssertTrue(page.contains("spikes in bins of"))
        XCTAssertFalse(page.contains("<path class=\"spikes\""))
        XCTAssertLessThan(page.utf8.count, 2_000_000)
    }

    func testBinsCountEverySpikeOnce() {
        let csv = "population,neuron,time_ms\na,0,0\na,9,99.9\nb,0,50\nb,4,10\nc,1,5\na,3,100\n"
        let plot = RasterPlot(spikes: SpikeTable(csv: Array(csv.utf8)), populations: [("a", 10), ("b", 5)], durationMs: 100)
        let bins = plot.bins(columns: 10, rows: 3).counts
        // c is unknown to the layout and a,3 at 100 ms is past the run: both left out.
        XCTAssertEqual(bins.reduce(0, +), 4)
        XCTAssertEqual(bins[0 * 10 + 0], 1)   // a,0 at 0 ms: row 0 of 15 → bin row 0
        XCTAssertEqual(bins[1 * 10 + 9], 1)   // a,9 at 99.9 ms: row 9 → bin row 1
        XCTAssertEqual(bins[2 * 10 + 5], 1)   // b,0 at 50 ms: row 10 → bin row 2
        XCTAssertEqual(bins[2 * 10 + 1], 1)   // b,4 at 10 ms: row 14 → bin row 2
    }

    /// A run directory holding only a summary for 5000 neurons and the given spikes.
    func makeRun(spikes: String) throws -> String {
        let dir = temporaryDirectory()
        let summary: [String: Any] = ["network": "big", "target": "spinn-5", "timing": "ideal", "duration_ms": 1000, "timestep_ms": 1,
                                      "ticks": 1000, "populations": ["exc": ["size": 5000, "spikes": 0, "rate_hz": 0]]]
        try JSONSerialization.data(withJSONObject: summary).write(to: URL(fileURLWithPath: dir + "/summary.json"))
        try spikes.write(toFile: dir + "/spikes.csv", atomically: true, encoding: .utf8)
        return dir
    }
}
