"""What leaves outlookgen: files written atomically, and problems reported as text, JSON or GitHub annotations."""
