import Foundation
import XCTest

/// `neurite report` end to end: the page is written, and headless Chromium (Debian's package,
/// which scripts/setup.sh installs where missing) draws it as something other than a blank page.
final class ReportCLITests: XCTestCase {
    var dir = ""

    override func setUpWithError() throws {
        dir = try scratchPath("report")
        try """
        network: small
        seed: 3
        duration: 200
        populations:
          stim: {size: 10, model: SpikeSourceArray, spike_times: [5, 60, 120], record: [spikes]}
          cells: {size: 600, model: IF_curr_exp, record: [spikes], neurons_per_core: 100}
        projections:
          - {pre: stim, post: cells, connector: {type: AllToAllConnector}, synapse: {weight: 1.5, delay: 2}}
          - {pre: cells, post: cells, connector: {type: FixedProbabilityConnector, p_connect: 0.05}, synapse: {weight: -0.2, delay: 1}, receptor: inhibitory}
        """.write(toFile: dir + "/small.yaml", atomically: true, encoding: .utf8)
    }

    func testReportWritesThePageAndSaysWhere() throws {
        XCTAssertEqual(try neurite("simulate", dir + "/small.yaml", "--out", dir + "/run").status, 0)
        let r = try neurite("report", dir + "/run")
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "wrote \(dir)/run/report.html\n")
        let page = try String(contentsOfFile: dir + "/run/report.html", encoding: .utf8)
        XCTAssertTrue(page.contains("Neurite run: small (ideal timing)"))
        let other = try neurite("report", dir + "/run", "-o", dir + "/elsewhere.html")
        XCTAssertEqual(other.status, 0, other.stderr)
        XCTAssertEqual(try String(contentsOfFile: dir + "/elsewhere.html", encoding: .utf8), page)
    }

    func testReportOfADirectoryWithoutARunFails() throws {
        let r = try neurite("report", dir)
        XCTAssertEqual(r.status, 3)
        XCTAssertTrue(r.stderr.contains("is not a run directory: it has no readable summary.json"), r.stderr)
    }

    /// Chromium renders the report of a cycle run; the screenshot must not be blank: many
    /// non-white pixels in many colours. A blank page, rendered the same way, must fail the check.
    func testChromiumDrawsTheReport() throws {
        guard let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first(where: FileManager.default.isExecutableFile) else {
            throw XCTSkip("Chromium is not installed and scripts/setup.sh could not install Debian's chromium; the report was not rendered")
        }
        XCTAssertEqual(try neurite("simulate", dir + "/small.yaml", "--timing", "cycle", "--out", dir + "/run").status, 0)
        XCTAssertEqual(try neurite("report", dir + "/run").status, 0)
        let page = try screenshot(chromium, page: dir + "/run/report.html", to: dir + "/report.png")
        XCTAssertGreaterThan(page.nonWhite, 0.05, "the report rendered almost blank")
        XCTAssertGreaterThan(page.colours, 30, "the report rendered in too few colours")

        try "<!DOCTYPE html><html><body></body></html>".write(toFile: dir + "/blank.html", atomically: true, encoding: .utf8)
        let blank = try screenshot(chromium, page: dir + "/blank.html", to: dir + "/blank.png")
        XCTAssertLessThan(blank.nonWhite, 0.01, "the check would not see a blank page")
    }

    /// Renders `page` in headless Chromium and measures the PNG: the fraction of pixels that are
    /// not white and the number of distinct colours.
    func screenshot(_ chromium: String, page: String, to png: String) throws -> (nonWhite: Double, colours: Int) {
        let browser = Process()
        browser.executableURL = URL(fileURLWithPath: chromium)
        browser.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1000,2400", "--force-device-scale-factor=0.5",
                             "--user-data-dir=\(dir)/chromium-profile", "--screenshot=\(png)", "file://\(page)"]
        browser.standardOutput = FileHandle.nullDevice
        browser.standardError = FileHandle.nullDevice
        try browser.run()
        let deadline = Date().addingTimeInterval(120)
        while browser.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
        if browser.isRunning { browser.terminate() }
        browser.waitUntilExit()
        XCTAssertTrue(FileManager.default.fileExists(atPath: png), "Chromium wrote no screenshot")
        let measure = Process()
        measure.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        measure.arguments = ["python3", "-c", Self.measurePNG, png]
        let out = Pipe()
        measure.standardOutput = out
        try measure.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        measure.waitUntilExit()
        let fields = text.split(separator: " ").map { String($0).trimmingCharacters(in: .whitespacesAndNewlines) }
        guard measure.terminationStatus == 0, fields.count == 2, let nonWhite = Double(fields[0]), let colours = Int(fields[1]) else {
            XCTFail("could not measure \(png): \(text)")
            return (0, 0)
        }
        return (nonWhite, colours)
    }

    /// Decodes an 8-bit RGB or RGBA PNG with Python's standard library and prints the fraction
    /// of non-white pixels and the number of distinct colours.
    static let measurePNG = """
    import struct, sys, zlib
    data = open(sys.argv[1], 'rb').read()
    pos, idat, width, height, channels = 8, b'', 0, 0, 0
    while pos < len(data):
        length, kind = struct.unpack('>I4s', data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b'IHDR':
            width, height, depth, colour = struct.unpack('>IIBB', body[:10])
            assert depth == 8 and colour in (2, 6), (depth, colour)
            channels = 3 if colour == 2 else 4
        elif kind == b'IDAT':
            idat += body
        pos += 12 + length
    raw, stride, prev = zlib.decompress(idat), width * channels, bytearray(width * channels)
    nonwhite, colours = 0, set()
    for y in range(height):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - channels] if i >= channels else 0
            b, c = prev[i], prev[i - channels] if i >= channels else 0
            if f == 1: line[i] = (line[i] + a) & 255
            elif f == 2: line[i] = (line[i] + b) & 255
            elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        for x in range(0, stride, channels):
            px = bytes(line[x:x + 3])
            colours.add(px)
            if px != b'\\xff\\xff\\xff':
                nonwhite += 1
        prev = line
    print(nonwhite / (width * height), len(colours))
    """
}
