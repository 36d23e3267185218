// counter.cpp: a class with typedefs and static members of its own, and a method returning a
// struct through memory (DWARF fixture).
namespace geo {

struct Point {
    int x;
    int y;
};

class Counter {
public:
    typedef int value_type;
    static int instances;
    static const int limit = 10;

    Counter() : count_(0) { instances++; }
    value_type bump(value_type by) {
        count_ += by;
        return count_;
    }
    Point corner() const { return Point{count_, count_ + 1}; }

private:
    typedef char tag_type;
    value_type count_;
    tag_type tag_ = 'c';
};

int Counter::instances = 0;

} // namespace geo

int main() {
    geo::Counter counter;
    counter.bump(2);
    geo::Point corner = counter.corner();
    return corner.x + corner.y + geo::Counter::instances;
}
