// calls.c: functions the debugger calls from expressions, a struct returned through memory,
// a local to watch until its frame returns, and signed bit fields (DWARF fixture).
struct pair {
    int x;
    int y;
};

struct bits {
    int neg : 3;
    unsigned mode : 3;
};

static int square(int x) { return x * x; }

int add(int a, int b) { return a + b; }

double half(double value) { return value / 2; }

long long widen(char c, short s) { return (long long)c * 1000000000LL + s; }

struct pair make_pair(int x, int y) {
    struct pair p = {x, y};
    return p;
}

// Traps (integer division by zero) whenever it is called.
int divide_by_zero(int n) {
    int zero = n - n;
    return n / zero;
}

int running_total(int n) {
    int total = 0;
    for (int i = 1; i <= n; i++)
        total += square(i);
    return total;
}

int main(void) {
    struct bits b = {-1, 5};
    int sum = running_total(4);
    struct pair p = make_pair(1, 2);
    int d = 3;
    if (sum < 0)
        sum = divide_by_zero(sum);
    long long wide = widen('a', 2);
    return (sum + p.x + p.y + b.neg + square(d) + add(d, 1) + (int)half(3.0) + (int)(wide % 7)) & 0x7f;
}
