import MongoDriver

extension InteractionExtra {
    /// `{count, dimensions}` (int32) for embeddings, `{n (int32), size, quality}` for images.
    func bsonDocument() -> BSONDocument {
        let document = BSONDocument()
        switch self {
        case .embeddings(let count, let dimensions):
            document.append("count", int32: count)
            document.append("dimensions", int32: dimensions)
        case .images(let n, let size, let quality):
            document.append("n", int32: n)
            document.append("size", string: size)
            document.append("quality", string: quality)
        }
        return document
    }
}
