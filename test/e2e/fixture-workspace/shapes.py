"""Shapes with areas and perimeters, used by the Tokenwise end-to-end tests."""

import math


class Rectangle:
    """An axis-aligned rectangle."""

    def __init__(self, width: float, height: float) -> None:
        self.width = width
        self.height = height

    def area(self) -> float:
        return self.width * self.height

    def perimeter(self) -> float:
        return 2 * (self.width + self.height)


class Circle:
    """A circle given by its radius."""

    def __init__(self, radius: float) -> None:
        self.radius = radius

    def area(self) -> float:
        return math.pi * self.radius ** 2


def total_area(shapes: list) -> float:
    """Sum of the areas of all shapes."""
    return sum(shape.area() for shape in shapes)


print(total_area([Rectangle(3, 4), Circle(1.5)]))  # café ☕
