// Floating point: Mandelbrot set escape counts on a grid.
// Argument: the grid's height in rows (default 600; 800 columns).
#include <stdio.h>
#include "size_argument.h"

int main(int argc, char **argv) {
    const int width = 800, max_iter = 500;
    const int height = (int)size_argument(argc, argv, 600, 1, 100000);
    long total = 0;
    for (int py = 0; py < height; py++) {
        for (int px = 0; px < width; px++) {
            double cx = -2.2 + 3.2 * px / width, cy = -1.2 + 2.4 * py / height;
            double x = 0, y = 0;
            int iter = 0;
            while (x * x + y * y <= 4.0 && iter < max_iter) {
                double t = x * x - y * y + cx;
                y = 2 * x * y + cy;
                x = t;
                iter++;
            }
            total += iter;
        }
    }
    printf("mandelbrot checksum %ld\n", total);
    return 0;
}
