import Foundation

/// A model file that cannot be read.
public struct ModelFileError: Error, CustomStringConvertible {
    /// What is wrong.
    public let description: String
    init(_ description: String) { self.description = description }
}

/// The JSON model file (schema in docs/delay-learning.md): keys in snake_case, sorted, the kernel
/// flat in row-major (class, polarity, delay, x, y) order.
public enum ModelFile {
    /// The value of the `format` key.
    public static let format = "neurite-hdsnn-model"
    /// The schema version this code writes and reads.
    public static let version = 1

    /// What the file holds.
    struct Contents: Codable {
        var format: String
        var version: Int
        var name: String
        var kernelShape: [Int]
        var kernelAxes: [String]
        var kernel: [Float]
        var mask: [Float]
        var coneMask: ConeMask
        var bias: [Float]
        var threshold: Double?
        var thresholdRateHz: Double
        var readout: ReadoutSettings
        var generator: GeneratorSettings
        var training: TrainingRecord?
        var offline: OfflineReport?
    }

    /// The JSON text of `model`, with its offline report if given.
    public static func encode(_ model: HDSNNModel, offline: OfflineReport? = nil) throws -> Data {
        let contents = Contents(format: format, version: version, name: model.name, kernelShape: model.shape.dimensions,
                                kernelAxes: ["class", "polarity", "delay", "x", "y"], kernel: model.kernel, mask: model.mask,
                                coneMask: model.coneMask, bias: model.bias, threshold: model.threshold,
                                thresholdRateHz: model.thresholdRateHz, readout: model.readout, generator: model.generator,
                                training: model.training, offline: offline)
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(contents)
    }

    /// The model in `data`, and the offline report it carries, if any.
    public static func decode(_ data: Data) throws -> (model: HDSNNModel, offline: OfflineReport?) {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let c: Contents
        do {
            c = try decoder.decode(Contents.self, from: data)
        } catch {
            throw ModelFileError("not a model file: \(error)")
        }
        guard c.format == format else { throw ModelFileError("format is '\(c.format)', expected '\(format)'") }
        guard c.version == version else { throw ModelFileError("version \(c.version), this build reads \(version)") }
        let d = c.kernelShape
        guard d.count == 5, d[1] == KernelShape.polarities, d[0] >= 1, d[2] >= 1, d[3] % 2 == 1, d[4] % 2 == 1 else {
            throw ModelFileError("kernel_shape \(d) is not [classes, 2, delays, odd width, odd height]")
        }
        let shape = KernelShape(classes: d[0], delays: d[2], width: d[3], height: d[4])
        guard c.kernel.count == shape.count else { throw ModelFileError("kernel has \(c.kernel.count) weights, its shape \(shape.count)") }
        guard c.mask.count == shape.tapsPerPolarity else {
            throw ModelFileError("mask has \(c.mask.count) values, expected \(shape.tapsPerPolarity)")
        }
        guard c.bias.count == shape.classes else { throw ModelFileError("bias has \(c.bias.count) values, expected \(shape.classes)") }
        guard c.generator.classes.count == shape.classes else {
            throw ModelFileError("the generator has \(c.generator.classes.count) classes, the kernel \(shape.classes)")
        }
        guard c.kernel.allSatisfy(\.isFinite), c.bias.allSatisfy(\.isFinite), c.threshold?.isFinite ?? true else {
            throw ModelFileError("kernel, bias and threshold must be finite")
        }
        guard 0 <= c.readout.windowStartMs, c.readout.windowStartMs < c.readout.windowEndMs,
              c.readout.windowEndMs <= c.generator.durationMs else {
            throw ModelFileError("readout window [\(c.readout.windowStartMs), \(c.readout.windowEndMs)) is not within the movie")
        }
        var model = HDSNNModel(name: c.name, shape: shape, generator: c.generator, coneMask: c.coneMask)
        model.kernel = c.kernel
        model.mask = c.mask
        model.bias = c.bias
        model.threshold = c.threshold
        model.thresholdRateHz = c.thresholdRateHz
        model.readout = c.readout
        model.training = c.training
        return (model, c.offline)
    }

    /// Reads the model file at `path`.
    public static func load(path: String) throws -> (model: HDSNNModel, offline: OfflineReport?) {
        guard let data = FileManager.default.contents(atPath: path) else { throw ModelFileError("cannot read '\(path)'") }
        return try decode(data)
    }

    /// Writes `model` (and its offline report) to `path`.
    public static func save(_ model: HDSNNModel, offline: OfflineReport? = nil, path: String) throws {
        try encode(model, offline: offline).write(to: URL(fileURLWithPath: path))
    }
}
