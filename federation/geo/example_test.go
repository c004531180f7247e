package geo_test

import (
	"fmt"

	"github.com/porchlight/porchlight/federation/geo"
)

// A home checks an agency's request against its front-door camera.
func Example() {
	scope := geo.Circle{Center: geo.Point{Lat: 45.5231, Lon: -122.6765}, Radius: 5000}
	request := geo.Area{Circle: &geo.Circle{Center: geo.Point{Lat: 45.52345, Lon: -122.6765}, Radius: 10}}
	if err := request.Validate(); err != nil {
		fmt.Println("bad request:", geo.Within("area", err))
		return
	}
	fmt.Printf("in scope: %v, %.5f sq mi\n", request.Within(scope), request.AreaSqMi())

	north := 0.0
	door := geo.View{At: geo.Point{Lat: 45.5231, Lon: -122.6765}, Direction: &north} // 30 m, 90° defaults
	fmt.Println("door camera sees it:", door.Meets(request))
	// Output:
	// in scope: true, 0.00012 sq mi
	// door camera sees it: true
}

// Validation errors name the field, and callers put their own key in front.
func ExampleWithin() {
	bad := geo.Area{Circle: &geo.Circle{Center: geo.Point{Lat: 45.5, Lon: -122.6}, Radius: 80000}}
	fmt.Println(geo.Within("request.area", bad.Validate()))
	// Output: request.area.circle.radius: 80000 m is more than the largest allowed, 50000 m
}
