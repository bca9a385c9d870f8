fn main() {
    println!("oktash");
}
