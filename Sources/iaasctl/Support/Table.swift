/// A plain text table with aligned columns, for people.
struct Table {
    var headers: [String]
    var rows: [[String]]

    var rendered: String {
        guard !rows.isEmpty else { return "(none)\n" }
        let widths = headers.indices.map { column in
            ([headers[column]] + rows.map { column < $0.count ? $0[column] : "" }).map(\.count).max() ?? 0
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { column, cell in
                column == cells.count - 1 ? cell : cell.padding(toLength: widths[column])
            }.joined(separator: "  ") + "\n"
        }
        return line(headers) + rows.map(line).joined()
    }
}

extension String {
    fileprivate func padding(toLength length: Int) -> String {
        count >= length ? self : self + String(repeating: " ", count: length - count)
    }
}
