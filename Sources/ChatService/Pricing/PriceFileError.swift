/// A fault in one `PRICES_FILE` entry, said in the operator's terms.
struct PriceFileError: Error {
    var reason: String
}
