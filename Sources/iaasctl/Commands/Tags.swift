import API
import ArgumentParser

extension Iaasctl {
    struct CreateTags: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add or overwrite tags on resources.")

        @OptionGroup var global: GlobalOptions

        @Option(parsing: .upToNextOption, help: "Resource ids (vol-...).")
        var resources: [String]

        @Option(parsing: .upToNextOption, help: "Key=K,Value=V ...")
        var tags: [String]

        func run() async throws {
            let request = CreateTagsRequest(resources: resources, tags: try tags.map(Shorthand.tag))
            try await Invocation(options: global).run(Methods.createTags, request) { _ in
                Table(headers: ["TAGGED"], rows: resources.map { [$0] })
            }
        }
    }

    struct DeleteTags: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove tags from resources (all tags if none given).")

        @OptionGroup var global: GlobalOptions

        @Option(parsing: .upToNextOption, help: "Resource ids (vol-...).")
        var resources: [String]

        @Option(parsing: .upToNextOption, help: "Key=K[,Value=V] ...")
        var tags: [String] = []

        func run() async throws {
            let request = DeleteTagsRequest(
                resources: resources, tags: tags.isEmpty ? nil : try tags.map(Shorthand.tagKey))
            try await Invocation(options: global).run(Methods.deleteTags, request) { _ in
                Table(headers: ["UNTAGGED"], rows: resources.map { [$0] })
            }
        }
    }

    struct DescribeTags: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tags.")

        @OptionGroup var global: GlobalOptions

        @Option(parsing: .upToNextOption, help: "Name=NAME,Values=V1,V2 (key, value, resource-id, resource-type).")
        var filters: [String] = []

        func run() async throws {
            let request = DescribeTagsRequest(filters: filters.isEmpty ? nil : try filters.map(Shorthand.filter))
            try await Invocation(options: global).run(Methods.describeTags, request) { result in
                Table(
                    headers: ["RESOURCE-ID", "TYPE", "KEY", "VALUE"],
                    rows: result.tags.map { [$0.resourceId, $0.resourceType, $0.key, $0.value] })
            }
        }
    }
}
