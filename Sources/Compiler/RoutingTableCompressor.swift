import ChipSim

/// Makes a chip's routing table fit its router:
///
/// 1. entries that default routing makes unnecessary are left out (a packet that arrives over
///    one link and leaves only over the opposite one, to no core, goes straight through
///    unmatched);
/// 2. only if the table is still longer than the router holds, ordered covering (Mundy,
///    Heathcote and Garside, "On-chip order-exploiting routing table minimization for a
///    multicast supercomputer network", HPSR 2016) merges entries of equal routes into entries
///    with more don't-care bits, ordered by generality so that first-match still gives every key
///    its route, until the table fits, then step 1 again on the result (an entry whose keys no
///    later entry matches may still go to default routing). Like rig's `minimise`, the covering
///    runs on the table with its default-routable entries, which it may merge with others.
///
/// The input is the chip's whole table: one entry per source core whose tree crosses the chip,
/// so that no two entries match the same key; `unmatched` are the key blocks of the chip's own
/// cores that send to no one, whose packets must still match nothing (and be dropped). Keys in
/// neither never reach the chip, and ordered covering may cover them. ``RouteCheck`` verifies the
/// result.
enum RoutingTableCompressor {
    /// The chip's entries in priority order, and whether ordered covering ran; nil when even
    /// ordered covering leaves more than `limit`.
    static func minimise(_ table: [PlannedEntry], unmatched: [(key: UInt32, mask: UInt32)] = [], limit: Int)
        -> (entries: [RoutingEntry], compressed: Bool)? {
        let direct = table.filter { !isDefaultRoutable($0) }
        if direct.count <= limit { return (direct.map(entry), false) }
        var covering = OrderedCovering(table, unmatched: unmatched)
        covering.merge(downTo: limit)
        let kept = covering.withoutDefaultRoutes()
        return kept.count <= limit ? (kept.map(entry), true) : nil
    }

    private static func entry(_ e: PlannedEntry) -> RoutingEntry { RoutingEntry(key: e.key, mask: e.mask, route: e.route) }

    /// Packets of this entry arrive over exactly one link and leave over the opposite one only.
    static func isDefaultRoutable(_ e: PlannedEntry) -> Bool {
        guard e.sources & PlannedEntry.localSource == 0, e.sources.nonzeroBitCount == 1, e.route >> 6 == 0,
              e.route.nonzeroBitCount == 1 else { return false }
        let arrival = Link(rawValue: e.sources.trailingZeroBitCount)!
        return e.route == RoutingEntry.linkBit(arrival.opposite)
    }

    /// Whether some key matches both.
    @inline(__always)
    static func intersect(_ k1: UInt32, _ m1: UInt32, _ k2: UInt32, _ m2: UInt32) -> Bool { (k1 ^ k2) & m1 & m2 == 0 }
}

/// Mundy's ordered covering over one table (rig's `ordered_covering`): repeatedly the largest
/// set of entries with one route whose merged entry, placed above the entries of its generality
/// or more, neither hides one of its own entries under a more general entry between them (the
/// up-check) nor covers a key of an entry below it or a key that must stay unmatched (the
/// down-check, trimming the set bit by bit where it can).
struct OrderedCovering {
    private var entries: [PlannedEntry]
    /// Per entry, the original entries it stands for (indices into `originals`).
    private var aliases: [[Int]]
    private let originals: [PlannedEntry]
    /// Key blocks no entry may match.
    private let unmatched: [(key: UInt32, mask: UInt32)]

    init(_ table: [PlannedEntry], unmatched: [(key: UInt32, mask: UInt32)] = []) {
        let order = table.indices.sorted { (Self.generality(table[$0]), $0) < (Self.generality(table[$1]), $1) }
        entries = order.map { table[$0] }
        originals = entries
        aliases = entries.indices.map { [$0] }
        self.unmatched = unmatched
    }

    var count: Int { entries.count }

    /// Don't-care bits of an entry.
    static func generality(_ e: PlannedEntry) -> Int { (~e.mask).nonzeroBitCount }

    /// Merges until the table has at most `target` entries or no merge is left.
    mutating func merge(downTo target: Int) {
        while entries.count > target, let best = bestMerge() { apply(best) }
    }

    /// The table in priority order without the entries default routing would carry the same
    /// way: a single-link arrival leaving by the opposite link only, with no later entry
    /// matching any of its keys.
    func withoutDefaultRoutes() -> [PlannedEntry] {
        var kept: [PlannedEntry] = []
        for (i, e) in entries.enumerated() {
            if RoutingTableCompressor.isDefaultRoutable(e),
               !entries[(i + 1)...].contains(where: { RoutingTableCompressor.intersect(e.key, e.mask, $0.key, $0.mask) }) {
                continue
            }
            kept.append(e)
        }
        return kept
    }

    private struct Merge {
        var members: [Int]
        var key: UInt32
        var mask: UInt32
        var generality: Int
        var insertion: Int
        var goodness: Int { members.count - 1 }
    }

    private func makeMerge(_ members: [Int]) -> Merge {
        var anyOnes: UInt32 = 0, allOnes: UInt32 = ~0, allMasks: UInt32 = ~0
        for i in members {
            anyOnes |= entries[i].key
            allOnes &= entries[i].key
            allMasks &= entries[i].mask
        }
        let agree = ~(anyOnes ^ allOnes)
        let mask = allMasks & agree
        let key = allOnes & mask
        let generality = (~mask).nonzeroBitCount
        // Above the first entry of this generality or more.
        var lo = 0, hi = entries.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if Self.generality(entries[mid]) < generality { lo = mid + 1 } else { hi = mid }
        }
        return Merge(members: members, key: key, mask: mask, generality: generality, insertion: lo)
    }

    private func bestMerge() -> Merge? {
        var groups: [UInt32: [Int]] = [:]
        var firstSeen: [UInt32] = []
        for (i, e) in entries.enumerated() {
            if groups[e.route] == nil { firstSeen.append(e.route) }
            groups[e.route, default: []].append(i)
        }
        let candidates = firstSeen.map { groups[$0]! }.filter { $0.count > 1 }.sorted { ($0.count, -$0[0]) > ($1.count, -$1[0]) }
        var best: Merge?
        for members in candidates {
            let bestGoodness = best?.goodness ?? 0
            if members.count - 1 <= bestGoodness { break }
            if let m = refine(makeMerge(members), better: bestGoodness), m.goodness > bestGoodness { best = m }
        }
        return best
    }

    /// The merge cut down until it is valid, or nil when it is no better than `better`.
    private func refine(_ merge: Merge, better: Int) -> Merge? {
        guard var m = downCheck(merge, better: better) else { return nil }
        let (checked, changed) = upCheck(m)
        guard checked.goodness > better else { return nil }
        m = checked
        if changed { return downCheck(m, better: better) }
        return m
    }

    /// Drops members that an entry between them and the insertion point would hide.
    private func upCheck(_ merge: Merge) -> (Merge, Bool) {
        var members = merge.members
        let set = Set(members)
        var changed = false
        for i in merge.members.sorted(by: >) where i + 1 < merge.insertion {
            let e = entries[i]
            let hidden = ((i + 1)..<merge.insertion).contains { j in
                !set.contains(j) && RoutingTableCompressor.intersect(e.key, e.mask, entries[j].key, entries[j].mask)
            }
            if hidden {
                members.removeAll { $0 == i }
                changed = true
            }
        }
        return (changed ? makeMerge(members) : merge, changed)
    }

    /// Drops members until the merged entry covers no key of an entry below it.
    private func downCheck(_ merge: Merge, better: Int) -> Merge? {
        var m = merge
        while m.goodness > better {
            let members = Set(m.members)
            var covered: [(UInt32, UInt32)] = []
            for j in m.insertion..<entries.count where !members.contains(j) {
                for a in aliases[j] where RoutingTableCompressor.intersect(m.key, m.mask, originals[a].key, originals[a].mask) {
                    covered.append((originals[a].key, originals[a].mask))
                }
            }
            for u in unmatched where RoutingTableCompressor.intersect(m.key, m.mask, u.key, u.mask) { covered.append((u.key, u.mask)) }
            if covered.isEmpty { return m }
            // The covered entries with the fewest bits the merge could still fix constrain it most.
            var fewest = 33
            var options: Set<BitChoice> = []
            for (key, mask) in covered {
                let settable = mask & ~m.mask
                let n = settable.nonzeroBitCount
                if n < fewest {
                    fewest = n
                    options = []
                }
                if n == fewest {
                    for b in 0..<32 where settable & (1 << UInt32(b)) != 0 {
                        options.insert(BitChoice(bit: b, removeOnes: key & (1 << UInt32(b)) == 0))
                    }
                }
            }
            if fewest == 0 { return nil }
            // The smallest set of members to drop to set one of those bits; higher bits first.
            var drop: [Int]?
            for choice in options.sorted(by: { ($0.bit, $0.removeOnes ? 1 : 0) > ($1.bit, $1.removeOnes ? 1 : 0) }) {
                let bit = UInt32(1) << UInt32(choice.bit)
                let candidates = m.members.filter { i in
                    entries[i].mask & bit == 0 || (entries[i].key & bit != 0) == choice.removeOnes
                }
                if drop == nil || candidates.count < drop!.count { drop = candidates }
            }
            let dropped = Set(drop!)
            m = makeMerge(m.members.filter { !dropped.contains($0) })
        }
        return nil
    }

    /// Setting a bit of the merged key: drop the members with an X or a 1 there (`removeOnes`)
    /// or with an X or a 0.
    private struct BitChoice: Hashable {
        var bit: Int
        var removeOnes: Bool
    }

    private mutating func apply(_ merge: Merge) {
        let members = Set(merge.members)
        var merged = PlannedEntry(key: merge.key, mask: merge.mask, route: entries[merge.members[0]].route, sources: 0)
        var mergedAliases: [Int] = []
        var newEntries: [PlannedEntry] = [], newAliases: [[Int]] = []
        newEntries.reserveCapacity(entries.count - merge.members.count + 1)
        for i in 0...entries.count {
            if i == merge.insertion {
                newEntries.append(merged)
                newAliases.append([])
            }
            guard i < entries.count else { break }
            if members.contains(i) {
                merged.sources |= entries[i].sources
                mergedAliases.append(contentsOf: aliases[i])
            } else {
                newEntries.append(entries[i])
                newAliases.append(aliases[i])
            }
        }
        let at = newAliases.firstIndex { $0.isEmpty }!
        newEntries[at].sources = merged.sources
        newAliases[at] = mergedAliases.sorted()
        entries = newEntries
        aliases = newAliases
    }
}
