import ArgumentParser
import Foundation
import Runtime

/// `neurite report DIR`: writes a self-contained HTML page about a run directory.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write a self-contained HTML report of a run directory: raster, rates, chip heat maps, provenance, energy.")

    @Argument(help: "A run directory written by `neurite simulate`.")
    var directory: String

    @Option(name: .shortAndLong, help: "The page to write (default DIR/report.html).")
    var output: String?

    func run() throws {
        let page = try ReportPage.html(forRunDirectory: directory)
        let path = output ?? (directory as NSString).appendingPathComponent("report.html")
        do {
            try page.write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            throw RunError("cannot write '\(path)': \(error.localizedDescription)")
        }
        print("wrote \(path)")
    }
}
