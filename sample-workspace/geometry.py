"""Plane geometry helpers used by the layout engine."""

import math
from typing import NamedTuple, Sequence


class Point(NamedTuple):
    x: float
    y: float

    def distance_to(self, other: "Point") -> float:
        """Euclidean distance between two points."""
        return math.hypot(self.x - other.x, self.y - other.y)


class Polygon:
    """A simple (non self-intersecting) polygon given by its vertices in order."""

    def __init__(self, vertices: Sequence[Point]) -> None:
        if len(vertices) < 3:
            raise ValueError("a polygon needs at least three vertices")
        self.vertices = list(vertices)

    def perimeter(self) -> float:
        pairs = zip(self.vertices, self.vertices[1:] + self.vertices[:1])
        return sum(a.distance_to(b) for a, b in pairs)

    def area(self) -> float:
        """Area by the shoelace formula (positive for either orientation)."""
        total = 0.0
        for a, b in zip(self.vertices, self.vertices[1:] + self.vertices[:1]):
            total += a.x * b.y - b.x * a.y
        return abs(total) / 2

    def centroid(self) -> Point:
        cx = sum(p.x for p in self.vertices) / len(self.vertices)
        cy = sum(p.y for p in self.vertices) / len(self.vertices)
        return Point(cx, cy)


def bounding_box(points: Sequence[Point]) -> tuple[Point, Point]:
    """Smallest axis-aligned box containing every point: (min corner, max corner)."""
    xs = [p.x for p in points]
    ys = [p.y for p in points]
    return Point(min(xs), min(ys)), Point(max(xs), max(ys))
