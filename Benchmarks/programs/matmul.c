// Matrix multiply of doubles (i-k-j order).
// Argument: the matrices' order n (default and most 300).
#include <stdio.h>
#include "size_argument.h"

#define N 300
static double a[N][N], b[N][N], c[N][N];

int main(int argc, char **argv) {
    int n = (int)size_argument(argc, argv, N, 1, N);
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
            a[i][j] = (double)((i * 7 + j * 3) % 17) / 8.0;
            b[i][j] = (double)((i * 5 + j * 11) % 13) / 4.0;
        }
    for (int rep = 0; rep < 4; rep++) {
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) c[i][j] = 0;
        for (int i = 0; i < n; i++)
            for (int k = 0; k < n; k++) {
                double aik = a[i][k];
                for (int j = 0; j < n; j++) c[i][j] += aik * b[k][j];
            }
    }
    double trace = 0;
    for (int i = 0; i < n; i++) trace += c[i][i] + c[i][n - 1 - i];
    printf("matmul checksum %.6f\n", trace);
    return 0;
}
