// shapes.c: structs, unions, enums, typedefs, bitfields, arrays, pointers and globals (DWARF fixture).
#include "shapes.h"

struct node list_nodes[3] = {{1, &list_nodes[1]}, {2, &list_nodes[2]}, {3, 0}};
const char *greeting = "hello";
char banner[16] = "wdb";
int matrix[2][3] = {{1, 2, 3}, {4, 5, 6}};
static unsigned long long shape_calls;
enum color favourite = GREEN;

static int add(int a, int b) { return a + b; }

// An inner block's `value` hides the parameter.
int shadowing(int value) {
    int result = value;
    {
        int value = result * 2;
        result += value;
    }
    return result;
}

int perimeter(const point_t *corners, int count) {
    int total = 0;
    for (int i = 0; i < count; i++) {
        const point_t *from = &corners[i];
        const point_t *to = &corners[(i + 1) % count];
        int dx = to->x - from->x;
        int dy = to->y - from->y;
        total += (dx < 0 ? -dx : dx) + (dy < 0 ? -dy : dy);
    }
    return total;
}

int list_length(const struct node *head) {
    if (!head)
        return 0;
    return 1 + list_length(head->next);
}

int describe(struct shape *shape) {
    static int describe_calls;
    describe_calls++;
    shape_calls++;
    shape->op = add;
    union number weight = shape->weight;
    int edges = perimeter(shape->corners, 4);
    int nodes = list_length(list_nodes);
    int bits = shape->flags.mode + shape->flags.count + shape->flags.sign;
    char first = shape->label[0];
    if (shape->color == BLUE) {
        int bonus = shape->op(edges, nodes);
        edges = bonus + first;
    }
    return edges + bits + weight.i + matrix[1][2] + banner[0] + greeting[0] + describe_calls + shadowing(3);
}
