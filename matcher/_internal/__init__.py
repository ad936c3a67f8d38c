"""Implementation of matcher. Not a public interface: import from `matcher` instead."""
