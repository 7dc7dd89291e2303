import Foundation

/// The `count` largest of `values` (in no particular order): quickselect with a middle pivot, O(n).
func largestValues(_ values: [Float], count: Int) -> [Float] {
    guard count < values.count else { return values }
    guard count > 0 else { return [] }
    var v = values, lo = 0, hi = v.count - 1
    let target = count - 1  // the descending rank that splits what is kept from the rest
    while lo < hi {
        let pivot = v[(lo + hi) / 2]
        var i = lo, j = hi
        while i <= j {
            while v[i] > pivot { i += 1 }
            while v[j] < pivot { j -= 1 }
            if i <= j {
                v.swapAt(i, j)
                i += 1
                j -= 1
            }
        }
        if target <= j { hi = j } else if target >= i { lo = i } else { break }
    }
    return Array(v[0..<count])
}

/// The q-quantile of `values`, interpolating linearly between order statistics (numpy's and
/// PyTorch's default), found by selection rather than sorting.
func quantile(_ values: [Float], _ q: Double) -> Float {
    precondition(!values.isEmpty)
    let position = q * Double(values.count - 1), below = Int(position.rounded(.down))
    let top = largestValues(values, count: values.count - below)  // order statistics below, below + 1, …
    guard top.count > 1 else { return top[0] }
    var lowest = Float.infinity, second = Float.infinity
    for v in top {
        if v < lowest {
            second = lowest
            lowest = v
        } else if v < second {
            second = v
        }
    }
    return lowest + Float(position - Double(below)) * (second - lowest)
}
