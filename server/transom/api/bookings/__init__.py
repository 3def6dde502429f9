"""Bookings: the booking and organizer types, bookRoom and cancelBooking."""
