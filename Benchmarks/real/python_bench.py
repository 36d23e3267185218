# A mixed CPython workload: integers, strings, dicts, classes, sorting, json and exceptions.
import json

def primes(limit):
    sieve = bytearray([1]) * (limit + 1)
    sieve[0:2] = b"\0\0"
    for i in range(2, int(limit ** 0.5) + 1):
        if sieve[i]:
            sieve[i * i::i] = bytes(len(range(i * i, limit + 1, i)))
    return [i for i, flag in enumerate(sieve) if flag]

class Vec:
    __slots__ = ("x", "y")
    def __init__(self, x, y):
        self.x, self.y = x, y
    def __add__(self, other):
        return Vec(self.x + other.x, self.y + other.y)

def walk(steps):
    v, total = Vec(0, 0), 0
    for i in range(steps):
        v = v + Vec(i % 7 - 3, i % 5 - 2)
        total += abs(v.x) + abs(v.y)
    return total

def words(n):
    counts = {}
    for i in range(n):
        word = "w" + format((i * 2654435761) % 1000, "x")
        counts[word] = counts.get(word, 0) + 1
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:5]

def failures(n):
    caught = 0
    for i in range(n):
        try:
            if i % 3 == 0:
                raise ValueError(i)
            int("x" if i % 3 == 1 else "7")
        except ValueError:
            caught += 1
    return caught

p = primes(100000)
print(len(p), p[-1], sum(p) % 1000003)
print(walk(20000))
print(words(20000))
print(failures(10000))
doc = {"items": [{"id": i, "name": f"item{i}", "tags": ["a", "b"][: i % 3]} for i in range(1000)]}
text = json.dumps(doc, sort_keys=True)
print(len(text), json.loads(text)["items"][123]["name"])
