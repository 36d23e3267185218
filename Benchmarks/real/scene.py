"""Writes the SVG scenes the real programs (Benchmarks/real/programs.py) render.

Deterministic: a linear congruential generator seeds every shape, so each run of the benchmark
feeds the engines the same bytes. The scenes are written for this benchmark: gradient sky,
a blurred sun, star-like closed paths of quadratic Béziers (rotated, stroked), blurred
ellipses in a translucent group and a dashed polyline, enough to keep a rasterizer, a path
flattener and an XML parser busy for about a second under an interpreter.
"""
import math


class _Lcg:
    def __init__(self, seed):
        self.state = seed

    def next(self):
        self.state = (self.state * 1103515245 + 12345) & 0x7FFFFFFF
        return self.state / 0x7FFFFFFF


def scene(paths, ellipses, translucent=True, seed=12345):
    """The SVG document as bytes: `paths` star shapes, `ellipses` blurred ellipses.

    With translucent=False every shape is opaque (svg-flatten leaves translucent shapes out of
    its output, so its scene is opaque to make it do the work).
    """
    rnd = _Lcg(seed).next
    out = [
        '<svg xmlns="http://www.w3.org/2000/svg" width="800" height="600" viewBox="0 0 800 600">',
        "<defs>",
        '<linearGradient id="sky" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#1d3557"/>'
        '<stop offset="1" stop-color="#f1faee"/></linearGradient>',
        '<radialGradient id="sun" cx="0.5" cy="0.5" r="0.5"><stop offset="0" stop-color="#ffdd00"/>'
        '<stop offset="0.7" stop-color="#ff8800" stop-opacity="0.8"/>'
        '<stop offset="1" stop-color="#ff0000" stop-opacity="0"/></radialGradient>',
        '<filter id="blur" x="-20%" y="-20%" width="140%" height="140%"><feGaussianBlur stdDeviation="6"/></filter>',
        "</defs>",
        '<rect width="800" height="600" fill="url(#sky)"/>',
        '<circle cx="600" cy="140" r="110" fill="url(#sun)" filter="url(#blur)"/>',
    ]
    for _ in range(paths):
        x, y, r = rnd() * 800, rnd() * 600, 5 + rnd() * 40
        points = 5 + int(rnd() * 6)
        d = f"M{x + r:.2f},{y:.2f}"
        for k in range(1, points + 1):
            a, half = 2 * math.pi * k / points, 2 * math.pi * (k - 0.5) / points
            bulge = r * (0.5 + rnd())
            d += (f" Q{x + bulge * math.cos(half):.2f},{y + bulge * math.sin(half):.2f}"
                  f" {x + r * math.cos(a):.2f},{y + r * math.sin(a):.2f}")
        color = f"#{int(rnd() * 255):02x}{int(rnd() * 255):02x}{int(rnd() * 255):02x}"
        opacity = f' fill-opacity="{0.3 + 0.6 * rnd():.2f}"' if translucent else ""
        out.append(f'<path d="{d} Z" fill="{color}"{opacity} stroke="#222" stroke-width="{0.5 + rnd() * 2:.2f}"'
                   f' transform="rotate({rnd() * 360:.1f} {x:.1f} {y:.1f})"/>')
    out.append('<g opacity="0.6" filter="url(#blur)">' if translucent else "<g>")
    for _ in range(ellipses):
        out.append(f'<ellipse cx="{rnd() * 800:.1f}" cy="{rnd() * 600:.1f}" rx="{10 + rnd() * 60:.1f}"'
                   f' ry="{5 + rnd() * 30:.1f}" fill="#{int(rnd() * 255):02x}80c0"/>')
    out.append("</g>")
    wave = " ".join(f"{i * 4},{300 + 120 * math.sin(i / 9):.2f}" for i in range(201))
    out.append(f'<polyline fill="none" stroke="#000" stroke-width="3" stroke-dasharray="12 6" points="{wave}"/>')
    out.append("</svg>")
    return ("\n".join(out) + "\n").encode()
