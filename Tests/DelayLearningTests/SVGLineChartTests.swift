@testable import DelayLearning
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import XCTest

final class SVGLineChartTests: XCTestCase {
    func testLogChartHasOnePolylinePerSeriesAndDecadeTicks() throws {
        let chart = SVGLineChart(title: "Pruning <A & B>", xLabel: "fraction kept", yLabel: "accuracy (%)", logX: true, series: [
            .init(name: "pruning", points: [(1, 80), (0.1, 97), (0.002, 40)], color: "#1f77b4"),
            .init(name: "other", points: [(0.5, 50), (0.05, 10)], color: "red"),
        ])
        let svg = chart.render()
        XCTAssertNoThrow(try XMLDocument(xmlString: svg))
        XCTAssertEqual(svg.components(separatedBy: "<polyline").count - 1, 2)
        XCTAssertEqual(svg.components(separatedBy: "<circle").count - 1, 5)
        for decade in ["1e-3", "1e-2", "1e-1", "1e0"] { XCTAssert(svg.contains(">\(decade)</text>"), decade) }
        XCTAssert(svg.contains("Pruning &lt;A &amp; B&gt;"))
        // x = 1 is the right edge of a 550-px plot from x = 70; y = 80 % is a fifth down a 305-px plot from y = 40.
        XCTAssert(svg.contains("points=\"620.0,101.0 "), svg)
    }

    func testLinearChartTicks() {
        let svg = SVGLineChart(title: "Shortening", xLabel: "delays kept", yLabel: "accuracy (%)", logX: false,
                               series: [.init(name: "s", points: (1...11).map { (Double($0), Double($0) * 9) }, color: "black")]).render()
        for tick in ["2", "4", "6", "8", "10"] { XCTAssert(svg.contains(">\(tick)</text>"), tick) }
        XCTAssert(svg.contains(">100</text>"))
    }
}
