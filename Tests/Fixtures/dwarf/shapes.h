// Types shared by primes.c and shapes.c (the DWARF reader's C fixture).
struct point {
    int x;
    int y;
};
typedef struct point point_t;

union number {
    int i;
    float f;
    unsigned char bytes[4];
};

enum color { RED, GREEN = 5, BLUE };

struct flags {
    unsigned ready : 1;
    unsigned mode : 3;
    unsigned count : 12;
    int sign : 4;
};

struct node {
    int value;
    struct node *next;
};

typedef int (*binary_op)(int, int);

struct shape {
    enum color color;
    point_t corners[4];
    char label[16];
    const char *title;
    union number weight;
    struct flags flags;
    binary_op op;
};

int is_prime(int n);
int count_primes(int limit);
int factorial(int n);
int sum_below(int n);
int perimeter(const point_t *corners, int count);
int list_length(const struct node *head);
int describe(struct shape *shape);
int shadowing(int value);
