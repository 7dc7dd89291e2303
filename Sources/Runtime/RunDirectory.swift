#if canImport(Glibc)
import Glibc
#endif
import ChipSim
import Foundation

/// The run directory's life before the run writes into it: created if missing; an earlier run in
/// it is replaced wholly (every file a run writes removed first) only when the caller says so,
/// and otherwise refused, so that old files never sit beside new ones.
enum RunDirectory {
    /// The files a run writes besides one `<variable>.csv` per recorded variable.
    static let fixedFiles = ["spikes.csv", "summary.json", "provenance.json", "mapping.json", "weights.csv"]

    static func prepare(_ path: String, replacing: Bool) throws {
        var info = stat()
        if stat(path, &info) == 0 {
            guard (info.st_mode & S_IFMT) == S_IFDIR else { throw RunError("run directory '\(path)' exists and is not a directory") }
        } else {
            do {
                try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            } catch {
                throw RunError("cannot create run directory '\(path)': \(FileAccess.reason(errno))")
            }
            return
        }
        let earlier = try runFiles(in: path)
        guard !earlier.isEmpty else { return }
        guard replacing else {
            throw RunError("run directory '\(path)' holds an earlier run (\(earlier.sorted().joined(separator: ", "))); use --force to replace it, or another --out")
        }
        for name in earlier {
            let file = (path as NSString).appendingPathComponent(name)
            guard unlink(file) == 0 else { throw RunError("cannot remove '\(file)' of the earlier run: \(FileAccess.reason(errno))") }
        }
    }

    /// The files of an earlier run in `path`: the fixed ones and every `.csv`.
    static func runFiles(in path: String) throws -> [String] {
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: path) } catch {
            throw RunError("cannot read run directory '\(path)': \(FileAccess.reason(errno))")
        }
        return names.filter { fixedFiles.contains($0) || $0.hasSuffix(".csv") }
    }
}
