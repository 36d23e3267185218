// rect.cpp: a class with methods, a template, references and a namespace (DWARF fixture).
#include <cstddef>

namespace geo {

struct Point {
    int x;
    int y;
};

class Rect {
public:
    Rect(Point origin, int width, int height) : origin_(origin), width_(width), height_(height) {}
    int area() const;
    void grow(const int &by);
    const Point &origin() const { return origin_; }

private:
    Point origin_;
    int width_;
    int height_;
};

int Rect::area() const {
    int result = width_ * height_;
    return result;
}

void Rect::grow(const int &by) {
    width_ += by;
    height_ += by;
}

template <typename T>
T largest(const T *values, std::size_t count) {
    T best = values[0];
    for (std::size_t i = 1; i < count; i++) {
        if (values[i] > best)
            best = values[i];
    }
    return best;
}

} // namespace geo

int main() {
    geo::Rect rect({1, 2}, 3, 4);
    int growth = 2;
    int &alias = growth;
    rect.grow(alias);
    int numbers[] = {3, 9, 4};
    double reals[] = {1.5, 0.5};
    int best = geo::largest(numbers, 3);
    double bestReal = geo::largest(reals, 2);
    return rect.area() + best + static_cast<int>(bestReal) + rect.origin().y;
}
