import Foundation

/// How much memory the toolchain may take on this host, and how it prints amounts.
public enum HostMemory {
    /// The default memory budget of compiling and running: 80 % of the host's memory, or of the
    /// cgroup's limit if that is lower. `--max-memory` overrides it.
    public static var defaultBudget: Int {
        var total = Int(clamping: ProcessInfo.processInfo.physicalMemory)
        if let text = try? String(contentsOfFile: "/sys/fs/cgroup/memory.max", encoding: .utf8),
           let limit = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
            total = min(total, limit)
        }
        return total / 5 * 4
    }

    /// Bytes in decimal units, e.g. "1.2 GB".
    public static func format(bytes: Int) -> String {
        let units = ["bytes", "kB", "MB", "GB", "TB", "PB", "EB"]
        var value = Double(bytes), unit = 0
        while value >= 1000 && unit < units.count - 1 {
            value /= 1000
            unit += 1
        }
        return unit == 0 ? "\(bytes) bytes" : String(format: "%.1f %@", value, units[unit])
    }
}
